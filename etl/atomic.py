"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Write to a temporary file in the same folder (same filesystem, so the rename is atomic),
fsync it, then os.replace it over the target. The temporary file is named `.<name>.<8 chars>.tmp`
(TEMP_NAME): a process killed mid-write leaves one behind, which the next build removes
(etl/pipeline.py, clean_debris).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

CHUNK = 1 << 20
# What write_bytes_atomic leaves behind when killed between creating and renaming its file.
TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bytes_atomic(path: Path, data: bytes) -> str:
    """Write `data` to `path` atomically and return its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        # Whatever failed, leave no temporary file behind and the target untouched.
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)
    return sha256_bytes(data)


def _create_temp(path: Path) -> tuple[int, str]:
    """Create `.<name>.<random>.tmp` beside `path`, exclusively. Mode 0666 lets the kernel apply
    the process's umask, so published data are readable like any other file written here; the
    umask is never read or changed (os.umask sets it for every thread of a server that imports
    this module)."""
    for _ in range(100):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def write_json_atomic(path: Path, obj: Any) -> str:
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_parquet_atomic(path: Path, frame, metadata: dict[str, str] | None = None) -> str:
    """Write a DataFrame as parquet atomically; `metadata` goes into the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if metadata:
        merged = dict(table.schema.metadata or {})
        merged.update({key.encode(): value.encode() for key, value in metadata.items()})
        table = table.replace_schema_metadata(merged)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return write_bytes_atomic(path, buffer.getvalue())


def _fsync_dir(folder: Path) -> None:
    # Make the rename itself durable; not every platform lets a directory be opened.
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
