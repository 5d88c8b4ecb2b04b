#!/usr/bin/env bash
# Install (or upgrade, or remove) the backstretch kiosk on Raspberry Pi OS (Bookworm or Trixie).
#
#   sudo systemd/install.sh              install or upgrade, then run `backstretch doctor` as the service user
#   sudo systemd/install.sh --dry-run    print every change it would make, change nothing
#   sudo systemd/install.sh --uninstall  remove the service and the program (keeps config and history)
#   options: --yes (no questions), --console-login keep|disable, --purge (with --uninstall: also config and history)
#
# Re-running it is safe: each step checks what is already there. Upgrades keep the history
# database (/var/lib/backstretch) and the installer's config (/etc/backstretch/config.toml).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=/opt/backstretch
VENV=$PREFIX/venv
ETC=/etc/backstretch
STATE=/var/lib/backstretch
UNIT=/etc/systemd/system/backstretch.service
DROPIN=/etc/systemd/system/backstretch.service.d/network.conf
USER_NAME=backstretch
GROUPS_WANTED=(video render input i2c gpio audio)
MODEL_FILE=/proc/device-tree/model
OS_RELEASE=/etc/os-release

DRY_RUN=0
UNINSTALL=0
PURGE=0
ASSUME_YES=0
CONSOLE=ask

say() { printf '%s\n' "$*"; }
fail() { printf 'backstretch install: %s\n' "$*" >&2; exit 1; }

# Run a command, or in dry-run mode print it.
run() {
    if [ "$DRY_RUN" = 1 ]; then
        say "would run: $*"
    else
        say "+ $*"
        "$@"
    fi
}

# Write a file from stdin, or in dry-run mode show where it would go.
write_file() {
    local path=$1 mode=$2
    if [ "$DRY_RUN" = 1 ]; then
        say "would write: $path (mode $mode)"
        cat >/dev/null
    else
        say "+ write $path"
        install -m "$mode" /dev/stdin "$path"
    fi
}

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
        --dry-run) DRY_RUN=1 ;;
        --uninstall) UNINSTALL=1 ;;
        --purge) PURGE=1 ;;
        --yes|-y) ASSUME_YES=1 ;;
        --console-login) shift; CONSOLE=${1:-}; [ "$CONSOLE" = keep ] || [ "$CONSOLE" = disable ] ||
            fail "--console-login takes keep or disable" ;;
        -h|--help) usage; exit 0 ;;
        *) fail "unknown option $1 (try --help)" ;;
    esac
    shift
done

# Tests point these at fake files, in a dry run only: a real install reads nothing the environment names.
if [ "$DRY_RUN" = 1 ]; then
    MODEL_FILE=${BACKSTRETCH_MODEL_FILE:-$MODEL_FILE}
    OS_RELEASE=${BACKSTRETCH_OS_RELEASE:-$OS_RELEASE}
fi

# As the service runs it: the service user's groups and device permissions (root would pass checks the
# kiosk then fails) and a clean environment, so nothing of the installing shell leaks in (a PYTHONPATH,
# an XDG_CONFIG_HOME that would read another configuration than the service's). Nothing else switches user.
# STATE_DIRECTORY is what systemd gives the service (StateDirectory=): doctor checks the history there.
AS_SERVICE=(runuser -u "$USER_NAME" -- env -i HOME="$STATE" STATE_DIRECTORY="$STATE" PATH=/usr/bin:/bin LANG=C.UTF-8)
DOCTOR=("${AS_SERVICE[@]}" "$VENV/bin/backstretch" doctor)

# The value of KEY in an os-release style file, read as data: it is never sourced, since a shell
# file run by root would run whatever it holds. Only letters and digits come out.
os_release_value() {
    sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9._-'
}

check_platform() {
    local model codename
    model=""
    [ -r "$MODEL_FILE" ] && model=$(tr -d '\0' < "$MODEL_FILE" | tr -cd '[:print:]')
    case $model in
        *"Raspberry Pi"*) ;;
        *) fail "this is not a Raspberry Pi (no 'Raspberry Pi' in $MODEL_FILE); on a laptop use 'make simulate'" ;;
    esac
    codename=$(os_release_value VERSION_CODENAME "$OS_RELEASE")
    case $codename in
        bookworm|trixie) ;;
        *) fail "Raspberry Pi OS ${codename:-unknown} is not supported; use Bookworm or Trixie" ;;
    esac
    if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
        fail "run it as root: sudo $0"
    fi
    say "found: $model, Raspberry Pi OS $codename"
}

confirm() {
    [ "$ASSUME_YES" = 1 ] || [ "$DRY_RUN" = 1 ] && return 0
    local answer
    read -r -p "$1 [y/N] " answer
    [ "$answer" = y ] || [ "$answer" = Y ]
}

boot_config() {
    if [ -f /boot/firmware/config.txt ]; then printf '/boot/firmware/config.txt'; else printf '/boot/config.txt'; fi
}

enable_i2c() {
    if [ -e /dev/i2c-1 ]; then
        say "I2C: already on (/dev/i2c-1)"
    elif command -v raspi-config >/dev/null 2>&1; then
        run raspi-config nonint do_i2c 0
    else
        local cfg
        cfg=$(boot_config)
        if grep -q '^dtparam=i2c_arm=on' "$cfg" 2>/dev/null; then
            say "I2C: enabled in $cfg, on after a reboot"
        else
            run sh -c "printf '\\ndtparam=i2c_arm=on\\n' >> '$cfg'"
        fi
    fi
}

create_user() {
    local group
    for group in "${GROUPS_WANTED[@]}"; do
        getent group "$group" >/dev/null || run groupadd --system "$group"
    done
    if id "$USER_NAME" >/dev/null 2>&1; then
        say "user: $USER_NAME exists"
    else
        run useradd --system --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    fi
    run usermod --append --groups "$(IFS=,; printf '%s' "${GROUPS_WANTED[*]}")" "$USER_NAME"
}

install_program() {
    local python_minor site_packages=()
    run apt-get install -y --no-install-recommends python3-venv python3-dev espeak-ng i2c-tools
    python_minor=$(python3 -c 'import sys; print(sys.version_info[1])')
    if [ "$python_minor" -ge 13 ]; then
        # PyPI has no lgpio wheel for this Python: use Raspberry Pi OS's and let the venv see it.
        run apt-get install -y python3-lgpio
        site_packages=(--system-site-packages)
    fi
    run mkdir -p "$PREFIX"
    [ -x "$VENV/bin/python" ] || run python3 -m venv "${site_packages[@]}" "$VENV"
    run "$VENV/bin/pip" install --quiet --upgrade pip
    run "$VENV/bin/pip" install --quiet --upgrade "${SRC}[pi]"
    run install -m 0644 "$SRC/README.md" "$PREFIX/README.md"
}

write_config() {
    run mkdir -p "$ETC"
    if [ -f "$ETC/config.toml" ]; then
        say "config: $ETC/config.toml exists, left as it is"
    else
        write_file "$ETC/config.toml" 0644 < "$SRC/config/default.toml"
    fi
}

# The service has no network unless the config uses a phone over Wi-Fi; then systemd/network.conf opens
# it to the local networks only, listening only on sensor.phone_listen's port (none for phyphox).
network_dropin() {
    local settings driver port
    if [ "$DRY_RUN" = 1 ]; then
        say "would allow the local network (systemd/network.conf) only if sensor.driver is phone or phyphox"
        return
    fi
    settings=$("${AS_SERVICE[@]}" "$VENV/bin/backstretch" --config "$ETC/config.toml" config 2>/dev/null || true)
    driver=$(printf '%s\n' "$settings" | sed -n 's/^driver = "\(.*\)"$/\1/p')
    port=$(printf '%s\n' "$settings" | sed -n 's/^phone_listen = ".*:\([0-9]*\)"$/\1/p')
    case $driver in
        phone|phyphox)
            run mkdir -p "$(dirname "$DROPIN")"
            if [ "$driver" = phone ]; then
                sed "s/@PORT@/${port:-8765}/" "$SRC/systemd/network.conf" | write_file "$DROPIN" 0644
            else
                sed '/^SocketBindAllow=/d' "$SRC/systemd/network.conf" | write_file "$DROPIN" 0644
            fi
            say "network: open to the local network for the phone (sensor.driver = $driver)" ;;
        *)
            [ ! -f "$DROPIN" ] || run rm -f "$DROPIN"
            say "network: none (sensor.driver = ${driver:-unknown})" ;;
    esac
}

install_unit() {
    write_file "$UNIT" 0644 < "$SRC/systemd/backstretch.service"
    network_dropin
    run systemctl daemon-reload
    run systemctl enable backstretch.service
}

console_login() {
    local choice=$CONSOLE
    if [ "$choice" = ask ]; then
        if confirm "Disable the console login on tty1, so only the kiosk shows on the screen?"; then
            choice=disable
        else
            choice=keep
        fi
    fi
    if [ "$choice" = disable ]; then
        run systemctl disable getty@tty1.service
    else
        say "console login on tty1: kept"
    fi
}

uninstall() {
    run systemctl disable --now backstretch.service
    run rm -f "$UNIT" "$DROPIN"
    run systemctl daemon-reload
    run rm -rf "$PREFIX"
    if [ "$PURGE" = 1 ]; then
        run rm -rf "$ETC" "$STATE" /var/cache/backstretch
        run userdel "$USER_NAME"
    else
        say "kept: $ETC (config) and $STATE (history); --purge removes them"
    fi
    say "backstretch removed"
}

main() {
    check_platform
    if [ "$UNINSTALL" = 1 ]; then
        uninstall
        return
    fi
    say "this will: enable I2C, create the $USER_NAME user (groups: ${GROUPS_WANTED[*]}), install the program"
    say "in $VENV, write $ETC/config.toml if absent, and install and enable backstretch.service"
    confirm "Carry on?" || fail "nothing changed"
    enable_i2c
    create_user
    install_program
    write_config
    install_unit
    console_login
    if [ "$DRY_RUN" = 1 ]; then
        say "would run as $USER_NAME: ${DOCTOR[*]}"
        say "dry run: nothing was changed"
        return
    fi
    run systemctl restart backstretch.service
    say "checking the hardware:"
    "${DOCTOR[@]}" || say "fix what doctor reports, then reboot"
    say "done: the kiosk starts at boot; logs: journalctl -u backstretch"
}

main
