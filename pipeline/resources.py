"""Locating the data files shipped in the package, and the per-user cache folder."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


def data_path(name: str) -> Path:
    return DATA_DIR / name


# libyaml's loader where PyYAML was built with it (its wheels are): the same data, read ~10× faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream):
    return yaml.load(stream, Loader=SAFE_LOADER)


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    with open(data_path(name), encoding="utf-8") as f:
        return safe_load(f)


def cache_dir() -> Path:
    """Where jieba keeps its prefix-dictionary cache: ZHPIPE_CACHE, else ~/.cache/zhpipe."""
    base = os.environ.get("ZHPIPE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "zhpipe")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path
