"""``python -m pipeline.train ner [options]``: rebuild a shipped model from ../shared."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.train")
    sub = parser.add_subparsers(dest="model", required=True)
    from .ner import add_arguments, train_from_args

    add_arguments(sub.add_parser("ner", help="the character BiLSTM-CRF entity model"))
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("training needs PyTorch: pip install -e '.[train]'", file=sys.stderr)
        return 2
    return train_from_args(args, argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
