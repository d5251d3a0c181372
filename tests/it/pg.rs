//! A throwaway PostgreSQL cluster for tests: `Postgres::start()` runs `initdb` and `pg_ctl`
//! in a fresh temporary directory, listens on a free local port and on a Unix socket inside
//! that directory, and stops and deletes everything when dropped.
//!
//! - Binaries: `$PG_BIN`, else `pg_config --bindir`, else the newest
//!   `/usr/lib/postgresql/*/bin` (Debian keeps them off PATH), else PATH.
//! - As root (CI containers), `initdb` refuses to run, so the cluster runs as the `postgres`
//!   OS user through `runuser`, in a directory that user owns.
//! - Tuned for tests, not durability: `fsync=off`, trust authentication, user `postgres`.
//!
//! ```ignore
//! let pg = Postgres::start();
//! pg.create_database("app");
//! pg.execute("app", "CREATE TABLE t (id int)");
//! assert_eq!(pg.query("app", "SELECT count(*) FROM t"), "0");
//! ```
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub struct Postgres {
    data: PathBuf,
    port: u16,
    bin: PathBuf,
    as_postgres: bool,
    /// Deleted after `Drop::drop` has stopped the cluster.
    _dir: TempDir,
}

impl Postgres {
    /// Starts a new, empty cluster. Panics with the server log when it cannot.
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("pg-")
            .tempdir()
            .expect("temporary directory");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data directory");
        if as_postgres {
            // The postgres user must reach and own its data directory.
            chmod_755(dir.path());
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path()));
        }
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args(["--auth=trust", "--username=postgres", "--encoding=UTF8"])
            .args(["--locale=C", "--no-sync"]);
        run(&mut wrap(initdb, as_postgres));

        // A port can be taken between choosing it and binding it: try a few.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c max_connections=50",
                data.display()
            );
            let log = data.join("server.log");
            let mut start = Command::new(bin.join("pg_ctl"));
            start
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &options, "-w", "-t", "60", "start"]);
            let out = wrap(start, as_postgres).output().expect("pg_ctl runs");
            if out.status.success() {
                return Postgres {
                    data,
                    port,
                    bin,
                    as_postgres,
                    _dir: dir,
                };
            }
            last_error = format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("PostgreSQL did not start:\n{last_error}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the Unix socket (the data directory).
    pub fn socket_dir(&self) -> &Path {
        &self.data
    }

    /// A PostgreSQL binary of the same version (`psql`, `pg_dump`, …).
    pub fn bin(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// A libpq URL over TCP: `postgresql://postgres@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// A SQLAlchemy URL over TCP with the given driver, e.g. `postgresql+psycopg`.
    pub fn sqlalchemy_url(&self, driver: &str, db: &str) -> String {
        format!("{driver}://postgres@127.0.0.1:{}/{db}", self.port)
    }

    pub fn create_database(&self, name: &str) {
        self.execute("postgres", &format!("CREATE DATABASE \"{name}\""));
    }

    /// `psql` connected to `db` through the socket, stopping at the first error.
    pub fn psql(&self, db: &str) -> Command {
        let mut cmd = Command::new(self.bin("psql"));
        cmd.arg("-X")
            .args(["-v", "ON_ERROR_STOP=1", "-q"])
            .arg("-h")
            .arg(&self.data)
            .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", db])
            .env_remove("PGPASSWORD")
            .env_remove("PGSERVICE");
        cmd
    }

    /// Runs SQL, panicking with psql's error output when it fails.
    pub fn execute(&self, db: &str, sql: &str) {
        run(self.psql(db).args(["-c", sql]));
    }

    /// Runs an SQL file (statements in autocommit, like a migration tool without a
    /// transaction); `single_transaction` wraps it in one, like most migration tools do.
    pub fn execute_file(&self, db: &str, file: &Path, single_transaction: bool) -> Output {
        let mut cmd = self.psql(db);
        if single_transaction {
            cmd.arg("-1");
        }
        cmd.arg("-f").arg(file).output().expect("psql runs")
    }

    /// One value or rows: unaligned, tuples only, `|`-separated, trimmed.
    pub fn query(&self, db: &str, sql: &str) -> String {
        let out = run(self.psql(db).args(["-At", "-c", sql]));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let mut stop = Command::new(self.bin.join("pg_ctl"));
        stop.arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = wrap(stop, self.as_postgres).output();
    }
}

fn wrap(cmd: Command, as_postgres: bool) -> Command {
    if !as_postgres {
        return cmd;
    }
    let mut runuser = Command::new("runuser");
    runuser
        .args(["-u", "postgres", "--"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    runuser
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn chmod_755(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return PathBuf::from(dir);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && dir.join("initdb").exists() {
            return dir;
        }
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by_key(|(v, _)| *v);
    match newest {
        Some((_, bin)) => bin,
        // Fall back to PATH: `Command::new("…/initdb")` with an empty dir is just `initdb`.
        None => PathBuf::new(),
    }
}
