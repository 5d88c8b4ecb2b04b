import pytest

from backstretch.config import DEFAULT_CONFIG
from backstretch.errors import ConfigError
from backstretch.kiosk.config import load_config


def layers(*files):
    return [(DEFAULT_CONFIG, True)] + [(f, True) for f in files]


def toml(tmp_path, text, name="site.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_defaults_load():
    cfg = load_config(layers())
    assert cfg.sensor.driver == "auto" and cfg.sensor.rate_hz == 100 and cfg.sensor.address_or_none is None
    assert cfg.gpio.start_button is None
    assert (cfg.display.width, cfg.display.height, cfg.display.rotate) == (800, 480, 0)


def test_later_layers_win_key_by_key(tmp_path):
    etc = toml(tmp_path, "[sensor]\nrate_hz = 200\naddress = 0x69\n[gpio]\nled = 23\n", "etc.toml")
    user = toml(tmp_path, "[sensor]\nrate_hz = 50\n", "user.toml")
    cfg = load_config(layers(etc, user))
    assert cfg.sensor.rate_hz == 50 and cfg.sensor.address_or_none == 0x69 and cfg.gpio.led == 23
    assert cfg.sources == (str(DEFAULT_CONFIG), str(etc), str(user))


def test_every_problem_is_reported_at_once_with_key_value_and_rule(tmp_path):
    bad = toml(
        tmp_path,
        """
[sensor]
rate_hz = 5000
driver = "mpu9999"
address = 0x99
accel_range_g = 3
[display]
rotate = 45
fullscreen = "yes"
[audio]
volume = 1.5
[gpio]
led = 40
""",
    )
    with pytest.raises(ConfigError) as err:
        load_config(layers(bad))
    problems = err.value.problems
    assert f"sensor.rate_hz = 5000 ({bad}): must be a whole number between 10 and 1000" in problems
    assert any(p.startswith('sensor.driver = "mpu9999"') and "'auto', 'mpu6050'" in p for p in problems)
    assert any(p.startswith("sensor.address = 153") and "0x03 to 0x77" in p for p in problems)
    assert any(p.startswith("sensor.accel_range_g = 3") and "2, 4, 8, 16" in p for p in problems)
    assert any(p.startswith("display.rotate = 45") and "0, 90, 180, 270" in p for p in problems)
    assert any(p.startswith('display.fullscreen = "yes"') and "true or false" in p for p in problems)
    assert any(p.startswith("audio.volume = 1.5") for p in problems)
    assert any(p.startswith("gpio.led = 40") and "BCM pin" in p for p in problems)
    assert len(problems) == 8


def test_unknown_keys_and_sections_are_named(tmp_path):
    bad = toml(tmp_path, "[sensor]\nrat_hz = 100\n[screen]\nwidth = 3\n")
    with pytest.raises(ConfigError) as err:
        load_config(layers(bad))
    assert err.value.problems[0].startswith(f"sensor.rat_hz ({bad}): unknown key; known: driver, bus")
    assert err.value.problems[1].startswith(f"screen ({bad}): unknown section")


def test_booleans_are_not_numbers(tmp_path):
    with pytest.raises(ConfigError, match=r"sensor\.rate_hz = true"):
        load_config(layers(toml(tmp_path, "[sensor]\nrate_hz = true\n")))


def test_malformed_toml_names_file_and_line(tmp_path):
    bad = toml(tmp_path, "[sensor]\nrate_hz = \n")
    with pytest.raises(ConfigError) as err:
        load_config(layers(bad))
    assert err.value.problems[0].startswith(f"{bad}: not valid TOML:") and "line 2" in err.value.problems[0]


def test_missing_named_file_is_an_error_but_missing_optional_layers_are_not(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(layers(tmp_path / "absent.toml"))
    cfg = load_config([(DEFAULT_CONFIG, True), (tmp_path / "absent.toml", False)])
    assert cfg.sources == (str(DEFAULT_CONFIG),)


def test_the_fleet_is_off_unless_a_broker_is_named(tmp_path):
    cfg = load_config(layers())
    assert not cfg.fleet.enabled and cfg.fleet.kiosk_name() and cfg.people.admin_pin == ""
    on = load_config(layers(toml(tmp_path, '[fleet]\nmqtt_url = "mqtts://broker.clinic:8883"\nkiosk_id = "room-2"\n')))
    assert on.fleet.enabled and on.fleet.kiosk_name() == "room-2"


@pytest.mark.parametrize(
    "line, named, allowed",
    [
        ('[fleet]\nmqtt_url = "http://broker"', "fleet.mqtt_url", "mqtt://HOST"),
        ('[fleet]\nmqtt_url = "mqtt://broker:99999"', "fleet.mqtt_url", "port 1 to 65535"),
        ('[fleet]\nmqtt_url = "mqtt://me:secret@broker"', "fleet.mqtt_url", "fleet.username"),
        ('[fleet]\nkiosk_id = "room/2"', "fleet.kiosk_id", "letters, digits, - or _"),
        ('[fleet]\nkiosk_id = "#"', "fleet.kiosk_id", "MQTT topic"),
        ("[fleet]\nusername = 7", "fleet.username", "string in quotes"),
        ("[people]\nadmin_pin = 1234", "people.admin_pin", "4 to 8 digits in quotes"),
        ('[people]\nadmin_pin = "12a4"', "people.admin_pin", "4 to 8 digits"),
    ],
)
def test_a_bad_fleet_or_people_value_names_its_key_and_what_is_allowed(tmp_path, line, named, allowed):
    with pytest.raises(ConfigError) as err:
        load_config(layers(toml(tmp_path, line)))
    [problem] = err.value.problems
    assert problem.startswith(named) and allowed in problem


@pytest.mark.parametrize(
    "line, secret",
    [
        ('[fleet]\nmqtt_url = "mqtt://me:s3cr3t@broker"', "s3cr3t"),
        ('[fleet]\nmqtt_url = "mqtt://s3cr3t@broker:99999"', "s3cr3t"),
        ("[fleet]\npassword = 123456789", "123456789"),
        ('[fleet]\npassword = "s3cr3t\\u0007"', "s3cr3t"),
        ("[people]\nadmin_pin = 97531", "97531"),
    ],
)
def test_a_bad_password_or_pin_is_named_but_never_shown(tmp_path, line, secret):
    """Problem lines reach the journal and the terminal: the key and the rule, not the secret."""
    with pytest.raises(ConfigError) as err:
        load_config(layers(toml(tmp_path, line)))
    [problem] = err.value.problems
    assert "(not shown)" in problem and secret not in problem and secret not in str(err.value)


def test_phone_keys_are_checked_with_what_is_allowed(tmp_path):
    from backstretch.config import DEFAULT_CONFIG
    from backstretch.errors import ConfigError
    from backstretch.kiosk.config import load_config

    path = tmp_path / "phone.toml"
    path.write_text(
        '[sensor]\ndriver = "phone"\nphone_listen = "0.0.0.0:80"\nphone_token = "short"\nphyphox_url = "ftp://x"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config([(DEFAULT_CONFIG, True), (path, True)])
    problems = "\n".join(caught.value.problems)
    assert 'sensor.phone_listen = "0.0.0.0:80"' in problems and "port from 1024 to 65535" in problems
    assert "sensor.phone_token" in problems and "8 to 64 letters and digits" in problems
    assert "sensor.phyphox_url" in problems and "http://192.168.1.23:8080" in problems
    path.write_text('[sensor]\ndriver = "phone"\nphone_listen = "[::]:9000"\nphone_token = "Abcdefgh12"\n')
    s = load_config([(DEFAULT_CONFIG, True), (path, True)]).sensor
    assert (s.driver, s.phone_listen, s.phone_token) == ("phone", "[::]:9000", "Abcdefgh12")


# -- hostile input: short one-line problems, never a traceback, never a hang ---------------------


def problems_for(path):
    with pytest.raises(ConfigError) as caught:
        load_config(layers(path))
    return caught.value.problems


def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path):
    deep = toml(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    [problem] = problems_for(deep)
    assert problem.endswith("not valid TOML: nested more than 8 levels deep")
    shallow_but_deep = toml(tmp_path, "[sensor]\nreplay_file = " + "[" * 20 + "]" * 20 + "\n", "d2.toml")
    assert "nested more than 8 levels deep" in problems_for(shallow_but_deep)[0]


@pytest.mark.parametrize("key", ["history.routine", "history.database", "sensor.replay_file"])
def test_a_nul_byte_in_a_path_is_refused_at_validation_naming_the_key(tmp_path, key):
    section, name = key.split(".")
    bad = toml(tmp_path, f'[{section}]\n{name} = "/tmp/a\\u0000b"\n')
    [problem] = problems_for(bad)
    assert problem.startswith(f'{key} = "/tmp/a\\u0000b"') and "no control characters" in problem
    assert "\0" not in problem


@pytest.mark.parametrize("what", ["fifo", "/dev/zero", "directory"])
def test_a_pipe_a_device_or_a_folder_is_refused_without_blocking(tmp_path, what):
    import os
    import threading

    if what == "fifo":
        path = tmp_path / "config.toml"
        os.mkfifo(path)  # nobody writes to it: reading would block forever
    elif what == "directory":
        path = tmp_path
    else:
        path = what
    result = []
    reader = threading.Thread(target=lambda: result.append(problems_for(path)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert result, "reading the configuration blocked"
    [[problem]] = result
    assert "not a regular file" in problem or "is a directory" in problem


def test_a_huge_file_is_refused_by_its_size(tmp_path):
    big = toml(tmp_path, "# padding\n" * 200_000)
    [problem] = problems_for(big)
    assert "larger than 1024 kB" in problem


def test_200000_unknown_keys_are_refused_in_one_line_and_60000_in_twenty(tmp_path):
    huge = toml(tmp_path, "[sensor]\n" + "".join(f"k{i}=1\n" for i in range(200_000)), "huge.toml")
    assert [p.split(": ", 1)[1] for p in problems_for(huge)] == ["larger than 1024 kB, expected a TOML settings file"]
    many = toml(tmp_path, "[sensor]\n" + "".join(f"k{i}=1\n" for i in range(60_000)))
    with pytest.raises(ConfigError) as caught:
        load_config(layers(many))
    problems = caught.value.problems
    assert len(problems) == 20 and problems[-1] == "… and 59981 more problem(s) not shown"
    assert sum(len(p) for p in problems) < 20 * 300 + 100 and len(str(caught.value)) < 2000


def test_control_characters_in_keys_and_values_are_shown_escaped(tmp_path):
    bad = toml(tmp_path, '[sensor]\n"evil\\u001b[2J" = 1\ndriver = "x\\u001b[31m"\n')
    problems = problems_for(bad)
    assert all("\x1b" not in p for p in problems)
    assert any(p.startswith('sensor."evil\\u001b[2J"') for p in problems)


def test_a_long_value_is_cut_short_in_the_message(tmp_path):
    bad = toml(tmp_path, f'[sensor]\ndriver = "{"x" * 100_000}"\n')
    [problem] = problems_for(bad)
    assert len(problem) < 400 and "more characters" in problem


def test_lost_after_s_is_a_setting_with_a_range(tmp_path):
    assert load_config(layers(toml(tmp_path, "[sensor]\nlost_after_s = 1.5\n"))).sensor.lost_after_s == 1.5
    [problem] = problems_for(toml(tmp_path, "[sensor]\nlost_after_s = 0\n", "bad.toml"))
    assert "must be a number between 0.1 and 5" in problem
