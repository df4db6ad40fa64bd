"""Writing ``--output`` files: checked before any work, written whole or not at all.

A report is written to a temporary file in the same folder, flushed to the disk (``fsync``) and renamed
over the target (``os.replace``, atomic on one file system): a full disk or an interrupted run leaves the
previous file as it was, never a truncated one. A missing folder is found before the evaluation starts.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_file(folder / "r.txt", "une ligne\\n")
>>> (folder / "r.txt").read_text(), sorted(p.name for p in folder.iterdir())
('une ligne\\n', ['r.txt'])
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.problems import BadInput, Problem


def check_output(path: Path | None) -> None:
    """Refuse, before anything is evaluated, an output path that cannot be written (exit 2)."""
    if path is None:
        return
    folder = path.parent
    if path.is_dir():
        raise BadInput([Problem(str(path), 0, "--output : c'est un dossier ; donnez un nom de fichier, "
                                              f"par exemple {path / 'resultat.json'}")])
    if not folder.is_dir():
        what = "n'est pas un dossier" if folder.exists() else "n'existe pas"
        raise BadInput([Problem(str(path), 0, f"--output : le dossier « {folder} » {what} ; créez-le "
                                              f"(mkdir -p {folder}) ou choisissez un autre chemin")])
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput([Problem(str(path), 0, f"--output : écriture interdite dans le dossier « {folder} »")])


def _mode_for_new_file() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_file(path: Path, text: str | bytes, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file beside it, fsync, rename."""
    check_output(path)
    data = text if isinstance(text, bytes) else _encode(text, encoding, newline)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            mode = _mode_for_new_file()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        reason = exc.strerror or str(exc)
        raise BadInput([Problem(str(path), 0, f"écriture impossible ({reason}) : le fichier précédent, s'il "
                                              "existait, est conservé")]) from None
    except BaseException:
        _remove(tmp)
        raise
    _sync_folder(path.parent)


def _encode(text: str, encoding: str, newline: str | None) -> bytes:
    if newline is None and os.linesep != "\n":
        text = text.replace("\n", os.linesep)
    return text.encode(encoding)


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """The rename itself reaches the disk (POSIX); not possible everywhere, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
