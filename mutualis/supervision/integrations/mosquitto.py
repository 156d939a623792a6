"""The local Mosquitto broker: its configuration (written under var/ by `make run`) and a process handle the tests
and the bench start on a free loopback port."""

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def config_text(*, port: int, host: str = "127.0.0.1", password_file: str = "") -> str:
    """A broker on one loopback listener; anonymous unless a password file is given. No persistence: Frigate and
    the ingest process both reconnect and the platform keeps what was ingested."""
    lines = [
        f"listener {port} {host}",
        f"allow_anonymous {'false' if password_file else 'true'}",
        "persistence false",
        # The ingest process acknowledges a message once it is committed; a burst must wait in the broker, not be
        # dropped (the default keeps only 1,000 messages for a subscriber behind).
        "max_queued_messages 1000000",
        "max_inflight_messages 1000",
        "log_dest stdout",
        "log_type error",
        "log_type warning",
    ]
    if password_file:
        lines.append(f"password_file {password_file}")
    return "\n".join(lines) + "\n"


def free_port() -> int:
    """A TCP port free on the loopback right now (other test runs share this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
    """Return once something accepts connections on the port (RuntimeError after the timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port}")


class Mosquitto:
    """A Mosquitto process of our own on a loopback port: start, stop, restart (same port), as a context manager."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory, self.port = Path(directory), port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Mosquitto":
        """Start the broker and wait until it listens."""
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "mosquitto.conf"
        config.write_text(config_text(port=self.port))
        log = (self.directory / "mosquitto.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config file
            [MOSQUITTO, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        wait_listening(self.port)
        return self

    def stop(self) -> None:
        """Stop the broker (every client is disconnected)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()

    def __enter__(self) -> "Mosquitto":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _readable_by_broker(path: Path) -> None:
    """Started as root (a container, CI), Mosquitto drops to its own user before it reads the password file: the
    file must be that user's (still 0600)."""
    if os.geteuid() != 0:
        return
    try:
        broker = pwd.getpwnam("mosquitto")
    except KeyError:
        return
    os.chown(path, broker.pw_uid, broker.pw_gid)


def write_local_config(path: Path, *, port: int, username: str = "", password: str = "") -> Path:
    """Write the broker's config for `make run` (and its password file when a user is set, made with Mosquitto's
    own `mosquitto_passwd`, which hashes the password)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    password_file = ""
    if username:
        passwords = path.with_name("mosquitto.passwd")
        passwords.unlink(missing_ok=True)
        passwords.touch(mode=0o600)
        tool = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
        subprocess.run([tool, "-b", str(passwords), username, password], check=True)  # noqa: S603 - our own tool
        _readable_by_broker(passwords)
        password_file = str(passwords.resolve())
    path.write_text(config_text(port=port, password_file=password_file))
    return path


if __name__ == "__main__":
    # `make run`: python -m mutualis.supervision.integrations.mosquitto var/mosquitto.conf (reads MQTT_* from env).
    import sys

    written = write_local_config(
        Path(sys.argv[1] if len(sys.argv) > 1 else "var/mosquitto.conf"),
        port=int(os.environ.get("MQTT_PORT", "1884")),
        username=os.environ.get("MQTT_USERNAME", ""),
        password=os.environ.get("MQTT_PASSWORD", ""),
    )
    print(f"Mosquitto : {written}")
