from backstretch.kiosk.config import AudioConfig, Config
from backstretch.kiosk.doctor import OK, WARN
from backstretch.ui.platform_check import audio_check, display_check


def test_display_check_tries_the_services_kmsdrm_not_only_the_shells_driver(monkeypatch):
    """Here (no DRM screen) kmsdrm fails although this shell's dummy driver works: a warning that says so."""
    import backstretch.ui.platform_check as pc

    check = display_check(Config())
    assert check.status == WARN and "'kmsdrm'" in check.message and "this shell's 'dummy' works" in check.message
    monkeypatch.setattr(pc, "SERVICE_DRIVER", "dummy")  # a Pi where the service's driver opens the screen
    check = display_check(Config())
    assert check.status == OK and "SDL video driver 'dummy' (the service's)" in check.message


def test_audio_check_says_whether_cues_are_spoken():
    assert audio_check(Config(audio=AudioConfig(enabled=False))).message == "off (audio.enabled = false)"
    missing = audio_check(Config(audio=AudioConfig(voice_program="no-such-voice")))
    assert missing.status == WARN and "no-such-voice is not installed: tones only" in missing.message
    tones = audio_check(Config(audio=AudioConfig(voice=False)))
    assert tones.status == OK and "tones only" in tones.message
