"""Files only the service account may read (SECURITY 18/20 hardening): the SQLite database and its
journal, backups and the generated secret key are mode 0600 (folders 0700), whatever the umask."""

import os
from pathlib import Path


def create_private(path: Path, text: str) -> None:
    """Write a new file that is 0600 from the first byte (no window with a readable file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def make_private(path: Path) -> None:
    """Restrict one file (0600) or a folder and everything in it (0700/0600)."""
    path = Path(path)
    if path.is_dir():
        path.chmod(0o700)
        for root, dirs, files in os.walk(path):
            for name in dirs:
                Path(root, name).chmod(0o700)
            for name in files:
                Path(root, name).chmod(0o600)
    elif path.exists() and path.stat().st_mode & 0o077:
        path.chmod(0o600)


def sqlite_files_private(sender, connection, **kwargs) -> None:
    """connection_created: the database file and its -wal/-shm are created with the umask; tighten them."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm"):
        make_private(Path(name + suffix))
