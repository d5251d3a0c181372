#!/usr/bin/env python3
"""A throwaway PostgreSQL for the tests and for local development, started with one command.

    python3 scripts/testdb.py start    start it (or find it running) and print its URL
    python3 scripts/testdb.py url      print the URL the tests use (TEST_DATABASE_URL)
    python3 scripts/testdb.py status   say whether it runs, and how it was started
    python3 scripts/testdb.py stop     stop it and delete its data

How it runs: with `docker compose` (service `db` of compose.yaml) when a Docker engine answers,
otherwise with this machine's PostgreSQL server binaries (initdb + pg_ctl) on a free port,
listening on 127.0.0.1 only, its unix socket inside its data directory. TESTDB_MODE=docker or
TESTDB_MODE=local overrides the choice. What was started is recorded in .testdb/state.json.

initdb refuses to run as root, so as root the server runs as the `postgres` OS user, with its
data in a fresh directory under the system temp dir (that user may not be able to enter the
project directory). Standard library only: this runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".testdb"
STATE_FILE = STATE_DIR / "state.json"
COMPOSE_FILE = ROOT / "compose.yaml"
COMPOSE_SERVICE = "db"

# The throwaway cluster's owner. Not a superuser *name* (postgres/root/sa), and the same as in
# compose.yaml and CI, so one URL shape works everywhere. Local, low-value credentials.
USER = "app"
PASSWORD = "app"  # noqa: S105 - throwaway local test database
DATABASE = "app"
SERVER_OS_USER = "postgres"  # who runs initdb/pg_ctl when we are root
START_ATTEMPTS = 3


class TestDbError(Exception):
    """A failure to report in one line, without a traceback."""


def say(message: str) -> None:
    print(f"testdb: {message}", file=sys.stderr)


def url_for(port: int) -> str:
    return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(
    cmd: list[str], *, check: bool = True, timeout: float = 120, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,  # type: ignore[arg-type]
        )
    except FileNotFoundError as exc:
        raise TestDbError(f"cannot run {cmd[0]}: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise TestDbError(f"timed out after {timeout:.0f}s: {shlex.join(cmd)}") from exc
    if check and result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise TestDbError(f"`{shlex.join(cmd)}` failed ({result.returncode}):\n{output}")
    return result


# --- state -----------------------------------------------------------------------------------


def load_state() -> dict[str, object] | None:
    try:
        return json.loads(STATE_FILE.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        say(f"ignoring unreadable {STATE_FILE.relative_to(ROOT)}")
        return None


def save_state(state: dict[str, object]) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    tmp = STATE_FILE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(STATE_FILE)


def clear_state() -> None:
    STATE_FILE.unlink(missing_ok=True)


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """Serialises concurrent invocations (two `make test` at once) on .testdb/lock."""
    STATE_DIR.mkdir(exist_ok=True)
    ignore = STATE_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking
        yield
        return
    with (STATE_DIR / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- docker ----------------------------------------------------------------------------------


def compose(*args: str) -> list[str]:
    return [
        "docker",
        "compose",
        "--project-directory",
        str(ROOT),
        "--file",
        str(COMPOSE_FILE),
        *args,
    ]


def docker_answers() -> bool:
    """True only when a Docker engine really answers, not merely when the client exists."""
    if shutil.which("docker") is None or not COMPOSE_FILE.exists():
        return False
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
        if info.returncode != 0:
            return False
        version = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return version.returncode == 0


def docker_start() -> dict[str, object]:
    port = free_port()
    say(f"starting PostgreSQL with docker compose on 127.0.0.1:{port}")
    env = {**os.environ, "TESTDB_PORT": str(port)}
    run(compose("up", "--detach", "--wait", COMPOSE_SERVICE), env=env, timeout=300)
    return {"mode": "docker", "port": port, "url": url_for(port)}


def docker_running(_state: dict[str, object]) -> bool:
    result = run(
        compose("ps", "--status", "running", "--quiet", COMPOSE_SERVICE), check=False, timeout=60
    )
    return result.returncode == 0 and bool(result.stdout.strip())


def docker_stop(_state: dict[str, object]) -> None:
    run(compose("down", "--volumes", "--remove-orphans"), check=False, timeout=120)


# --- local server binaries ------------------------------------------------------------------

SERVER_TOOLS = ("initdb", "pg_ctl", "createdb")


def _has_tools(bindir: Path) -> bool:
    return all((bindir / tool).is_file() for tool in SERVER_TOOLS)


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def find_bindir() -> Path:
    """initdb/pg_ctl on PATH, else the newest /usr/lib/postgresql/*/bin, else pg_config."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        # Resolve symlinks (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb) to find
        # the directory that also holds createdb of the same version.
        for candidate in (Path(on_path).resolve().parent, Path(on_path).parent):
            if _has_tools(candidate):
                return candidate
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for candidate in debian:
        if _has_tools(candidate):
            return candidate
    if shutil.which("pg_config"):
        result = run(["pg_config", "--bindir"], check=False)
        candidate = Path(result.stdout.strip())
        if result.returncode == 0 and _has_tools(candidate):
            return candidate
    raise TestDbError(
        "no Docker engine answers and no PostgreSQL server binaries were found "
        "(initdb, pg_ctl). Install them (Debian/Ubuntu: apt-get install postgresql; "
        "macOS: brew install postgresql) or start Docker."
    )


def as_server_user(cmd: list[str], run_as: str | None) -> list[str]:
    if run_as is None:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", run_as, "--", *cmd]
    return ["su", run_as, "-s", "/bin/sh", "-c", shlex.join(cmd)]


def _server_account() -> tuple[str | None, int, int]:
    """Who runs the server: ourselves, or the `postgres` OS user when we are root."""
    if os.geteuid() != 0:
        return None, os.getuid(), os.getgid()
    import pwd

    try:
        account = pwd.getpwnam(SERVER_OS_USER)
    except KeyError as exc:
        raise TestDbError(
            f"running as root, and initdb refuses root: create the `{SERVER_OS_USER}` OS user "
            "(installing the PostgreSQL server package does) or run as a normal user"
        ) from exc
    return SERVER_OS_USER, account.pw_uid, account.pw_gid


def _conf_line(key: str, value: str | int) -> str:
    if isinstance(value, int):
        return f"{key} = {value}\n"
    return "{} = '{}'\n".format(key, value.replace("'", "''"))


OWNER_FILE = "project"  # in each cluster's base dir: the project that started it
ORPHAN_MIN_AGE = 600  # seconds


def _stop_orphans(bindir: Path, run_as: str | None) -> None:
    """Stops clusters this script started for projects that no longer record them (the project
    was deleted or re-created while its server ran), so they do not pile up."""
    for owner in Path(tempfile.gettempdir()).glob(f"testdb-*/{OWNER_FILE}"):
        base = owner.parent
        try:
            project = Path(owner.read_text().strip())
            recorded = json.loads((project / ".testdb" / "state.json").read_text())
        except (OSError, ValueError):
            recorded = {}
        if recorded.get("base_dir") == str(base):
            continue
        if time.time() - owner.stat().st_mtime < ORPHAN_MIN_AGE:
            continue  # maybe another project's start still under way
        if base.stat().st_uid not in (os.geteuid(), _server_account()[1]):
            continue  # another user's
        say(f"stopping an orphaned test server in {base}")
        orphan = {"bindir": str(bindir), "base_dir": str(base), "data_dir": str(base / "data")}
        local_stop({**orphan, "run_as": run_as})


def local_start() -> dict[str, object]:
    bindir = find_bindir()
    run_as, uid, gid = _server_account()
    _stop_orphans(bindir, run_as)
    base = Path(tempfile.mkdtemp(prefix="testdb-"))  # mode 0700
    data, log = base / "data", base / "server.log"
    state: dict[str, object] = {
        "mode": "local",
        "bindir": str(bindir),
        "base_dir": str(base),
        "data_dir": str(data),
        "log": str(log),
        "run_as": run_as,
    }
    try:
        (base / OWNER_FILE).write_text(f"{ROOT}\n")
        if run_as is not None:
            os.chown(base, uid, gid)
        pwfile = base / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        pwfile.chmod(0o600)
        if run_as is not None:
            os.chown(pwfile, uid, gid)
        cmd = [str(bindir / "initdb"), "--pgdata", str(data), "--username", USER]
        cmd += ["--pwfile", str(pwfile), "--auth", "scram-sha-256", "--encoding", "UTF8"]
        cmd += ["--locale", "C"]
        run(as_server_user(cmd, run_as), cwd=base)
        pwfile.unlink()
        settings = [
            ("listen_addresses", "127.0.0.1"),
            ("unix_socket_directories", str(data)),
            # Throwaway data: trade durability for speed.
            ("fsync", "off"),
            ("synchronous_commit", "off"),
            ("full_page_writes", "off"),
        ]
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("\n# Added by scripts/testdb.py: a throwaway server for tests.\n")
            conf.writelines(_conf_line(key, value) for key, value in settings)
        port = _start_on_a_free_port(bindir, data, log, run_as, base)
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        createdb = [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER]
        run([*createdb, DATABASE], env=env)
    except BaseException:
        local_stop(state)
        raise
    state.update(port=port, url=url_for(port))
    return state


def _start_on_a_free_port(
    bindir: Path, data: Path, log: Path, run_as: str | None, base: Path
) -> int:
    # A port found free can be taken before the server binds it: then try another one.
    # The last `port =` line of postgresql.conf wins.
    for attempt in range(1, START_ATTEMPTS + 1):
        port = free_port()
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(_conf_line("port", port))
        where = f" as OS user {run_as}" if run_as else ""
        say(f"starting PostgreSQL from {bindir} on 127.0.0.1:{port}{where}")
        cmd = [str(bindir / "pg_ctl"), "--pgdata", str(data), "--log", str(log)]
        result = run(
            as_server_user([*cmd, "--wait", "--timeout", "60", "start"], run_as),
            check=False,
            cwd=base,
        )
        if result.returncode == 0:
            return port
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else result.stderr
        if attempt == START_ATTEMPTS or "Address already in use" not in tail:
            raise TestDbError(f"PostgreSQL did not start; its log ends with:\n{tail}")
    raise AssertionError("unreachable")


def _pg_ctl(state: dict[str, object], *args: str) -> list[str]:
    pg_ctl = str(Path(str(state["bindir"])) / "pg_ctl")
    run_as = state.get("run_as")
    return as_server_user(
        [pg_ctl, "--pgdata", str(state["data_dir"]), *args],
        str(run_as) if run_as else None,
    )


def local_running(state: dict[str, object]) -> bool:
    if not Path(str(state.get("data_dir", ""))).is_dir():
        return False
    base = str(state["base_dir"])
    return run(_pg_ctl(state, "status"), check=False, cwd=base).returncode == 0


def local_stop(state: dict[str, object]) -> None:
    base = Path(str(state["base_dir"]))
    if (base / "data" / "postmaster.pid").exists():
        run(_pg_ctl(state, "--mode", "fast", "--wait", "stop"), check=False, cwd=base)
    shutil.rmtree(base, ignore_errors=True)


# --- commands ---------------------------------------------------------------------------------

BACKENDS = {
    "docker": (docker_start, docker_running, docker_stop),
    "local": (local_start, local_running, local_stop),
}


def is_running(state: dict[str, object]) -> bool:
    backend = BACKENDS.get(str(state.get("mode")))
    if backend is None:
        return False
    try:
        return backend[1](state)
    except (TestDbError, KeyError):
        return False


def stop_and_forget(state: dict[str, object]) -> None:
    backend = BACKENDS.get(str(state.get("mode")))
    if backend is not None:
        try:
            backend[2](state)
        except (TestDbError, KeyError) as exc:
            say(f"could not stop the recorded server cleanly: {exc}")
    clear_state()


def choose_mode() -> str:
    wanted = os.environ.get("TESTDB_MODE", "").strip().lower()
    if wanted in BACKENDS:
        return wanted
    if wanted:
        raise TestDbError(f"TESTDB_MODE must be docker or local, not {wanted!r}")
    return "docker" if docker_answers() else "local"


def cmd_start() -> int:
    with locked():
        state = load_state()
        if state is not None:
            if is_running(state):
                print(state["url"])
                return 0
            say("the recorded server is gone; starting a new one")
            stop_and_forget(state)
        mode = choose_mode()
        start, _, _ = BACKENDS[mode]
        state = start()
        save_state(state)
        say(f"ready: {state['url']}  (stop it with: make db-stop)")
        print(state["url"])
        return 0


def cmd_stop() -> int:
    with locked():
        state = load_state()
        if state is None:
            say("no test database is recorded; nothing to stop")
            return 0
        stop_and_forget(state)
        say("stopped and deleted")
        return 0


def cmd_status() -> int:
    state = load_state()
    if state is None or not is_running(state):
        say("not running (start it with: make db)")
        return 1
    how = "docker compose" if state["mode"] == "docker" else f"server binaries in {state['bindir']}"
    details = f"running via {how} on 127.0.0.1:{state['port']}"
    if state["mode"] == "local":
        details += f", data in {state['data_dir']}"
        if state.get("run_as"):
            details += f", as OS user {state['run_as']}"
    say(details)
    print(state["url"])
    return 0


def cmd_url() -> int:
    state = load_state()
    if state is None or not is_running(state):
        say("no test database is running: start one with `make db`")
        return 1
    print(state["url"])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["start", "stop", "status", "url"])
    args = parser.parse_args(argv)
    commands = {"start": cmd_start, "stop": cmd_stop, "status": cmd_status, "url": cmd_url}
    try:
        return commands[args.command]()
    except TestDbError as exc:
        say(str(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
