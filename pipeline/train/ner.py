"""Train the entity model from the public corpora in ../shared/benchmarks and write the ONNX file
the pipeline ships (``pipeline/data/ner/zhpipe-ner.onnx``).

The run is seeded and bounded by a time budget: after each epoch the model is scored on a held-out
share of the training corpora, and the best epoch so far is exported, so a run that is stopped
still leaves its best model. The file records the command, the data hashes and the scores.
"""
from __future__ import annotations

import json
import platform
import random
import sys
import time
from pathlib import Path

import numpy

from ..resources import data_path
from ..stages.ner_model import MODEL_FILE, Lexicon, spans_of, tag_names, viterbi, Vocabulary
from . import ner_data


def add_arguments(parser) -> None:
    parser.add_argument("--data", default="../shared/benchmarks", help="folder of the training corpora")
    parser.add_argument("--out", default=str(data_path(MODEL_FILE)), help="the ONNX file to write")
    parser.add_argument("--corpora", nargs="*",
                        help="only these corpora (names in data/ner/corpora.yaml; an optional one, such as "
                             "real-dev, is read only when named here)")
    parser.add_argument("--minutes", type=float, default=80.0, help="time budget for the epochs")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=96)
    parser.add_argument("--char-dim", type=int, default=64)
    parser.add_argument("--bigram-dim", type=int, default=48)
    parser.add_argument("--max-bigrams", type=int, default=80000)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch-chars", type=int, default=1500, help="characters per training batch")
    parser.add_argument("--heldout", type=float, default=0.03)
    parser.add_argument("--limit", type=int, help="only this many training sentences (a smoke run)")
    parser.add_argument("--raw", default="../shared/corpora",
                        help="folder of raw-text corpora (*/docs.jsonl) for pretraining the embeddings")
    parser.add_argument("--pretrain-minutes", type=float, default=6.0,
                        help="time for pretraining the embeddings (0: random initialisation)")
    # Measured and not the default: with 50000 words the model alone was 0.906 on MSRA test (shipped
    # 0.903) and 0.762 on the real dev split through the stage (0.763), at half the speed.
    parser.add_argument("--lexicon-size", type=int, default=0,
                        help="words of the lexicon feature: the most frequent words of our segmentation of "
                             "the training and raw texts (0, the default: no lexicon feature)")
    parser.add_argument("--word-dim", type=int, default=32)


def _batches(sentences, batch_chars: int, rng: random.Random):
    """Batches of sentences of similar length (little padding), in random order."""
    order = sorted(range(len(sentences)), key=lambda i: (len(sentences[i].text), rng.random()))
    batches, batch, longest = [], [], 0
    for i in order:
        n = len(sentences[i].text)
        if batch and (len(batch) + 1) * max(longest, n) > batch_chars:
            batches.append(batch)
            batch, longest = [], 0
        batch.append(i)
        longest = max(longest, n)
    if batch:
        batches.append(batch)
    rng.shuffle(batches)
    return batches


def _tensors(batch, sentences, vocabulary, labels, annotates, with_allowed=True, lexicon=None):
    """The network's inputs for a batch (chars, bigrams, segs, lengths and, with a lexicon, its
    word ids and weights), the mask of real characters and each character's allowed tags."""
    import torch

    lengths = [len(sentences[i].text) for i in batch]
    width = max(lengths)
    chars = numpy.zeros((len(batch), width), dtype=numpy.int64)
    bigrams, segs = chars.copy(), chars.copy()
    allowed = numpy.ones((len(batch), width, len(tag_names(labels))), dtype=bool)
    if lexicon is not None:
        shape = (len(batch), width, Lexicon.SETS, lexicon.per_set)
        words, weights = numpy.zeros(shape, dtype=numpy.int64), numpy.zeros(shape, dtype=numpy.float32)
    for row, i in enumerate(batch):
        s = sentences[i]
        c, b = vocabulary.encode(s.text)
        n = len(c)
        chars[row, :n], bigrams[row, :n], segs[row, :n] = c, b, s.segs
        if lexicon is not None:
            words[row, :n], weights[row, :n] = s.words if s.words is not None else lexicon.encode(s.text)
        if with_allowed:
            allowed[row, :n] = ner_data.allowed_tags(s, labels, annotates[s.corpus])
    mask = numpy.arange(width)[None, :] < numpy.array(lengths)[:, None]
    inputs = (torch.from_numpy(chars), torch.from_numpy(bigrams), torch.from_numpy(segs),
              torch.tensor(lengths, dtype=torch.int64))
    if lexicon is not None:
        inputs += (torch.from_numpy(words), torch.from_numpy(weights))
    return inputs, torch.from_numpy(mask), torch.from_numpy(allowed)


def _crf_arrays(crf):
    transitions, start, end = (t.detach().numpy().astype(numpy.float32) for t in crf.constrained())
    return transitions, start, end


def evaluate(network, crf, sentences, vocabulary, labels, annotates, batch_chars=4000, lexicon=None) -> dict:
    """Span F1 on held-out sentences, per corpus: a gold span counts where the corpus annotates
    it (a place split GPE-or-LOC matches either); predictions of labels it does not annotate are
    not counted against it."""
    import torch

    from ..scoring import PRF

    names = tag_names(labels)
    transitions, start, end = _crf_arrays(crf)
    counts: dict[str, PRF] = {}
    network.eval()
    with torch.no_grad():
        for batch in _batches(sentences, batch_chars, random.Random(0)):
            inputs, _, _ = _tensors(batch, sentences, vocabulary, labels, annotates, False, lexicon)
            emissions = network(*inputs).numpy()
            for i, path in zip(batch, viterbi(emissions, inputs[3].tolist(), transitions, start, end)):
                s = sentences[i]
                gold = {(a, b): labs for a, b, labs in s.spans if labs is not ner_data.UNKNOWN}
                unknown = [(a, b) for a, b, labs in s.spans if labs is ner_data.UNKNOWN]
                predicted = [(a, b, lab) for a, b, lab in spans_of(path, names) if lab in annotates[s.corpus]
                             and not any(a < ub and ua < b for ua, ub in unknown)]
                tp = sum(1 for a, b, lab in predicted if lab in gold.get((a, b), ()))
                counts.setdefault(s.corpus, PRF())
                counts[s.corpus] += PRF(tp, len(predicted) - tp, len(gold) - tp)
    network.train()
    total = PRF()
    for prf in counts.values():
        total += prf
    scores = {corpus: round(prf.f1, 4) for corpus, prf in sorted(counts.items())}
    scores["all"] = round(total.f1, 4)
    return scores


def export(network, crf, vocabulary_lists, labels, record: dict, out: Path, lexicon_meta=None) -> None:
    """The network as ONNX, with vocabularies, lexicon, CRF and the training record in its
    metadata. Written beside the target and renamed, so a reader never sees half a file."""
    import onnx
    import torch

    network.eval()
    example = (torch.ones(2, 7, dtype=torch.int64),) * 3 + (torch.tensor([7, 5], dtype=torch.int64),)
    names = ["chars", "bigrams", "segs", "lengths"]
    axes = {"chars": {0: "batch", 1: "time"}, "bigrams": {0: "batch", 1: "time"},
            "segs": {0: "batch", 1: "time"}, "lengths": {0: "batch"}, "emissions": {0: "batch", 1: "time"}}
    if lexicon_meta is not None:
        shape = (2, 7, Lexicon.SETS, lexicon_meta["per_set"])
        example += (torch.ones(shape, dtype=torch.int64), torch.full(shape, 0.25))
        names += ["words", "word_weights"]
        axes.update(words={0: "batch", 1: "time"}, word_weights={0: "batch", 1: "time"})
    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(network, example, str(tmp), input_names=names, output_names=["emissions"],
                      opset_version=17, dynamo=False, dynamic_axes=axes)
    network.train()
    model = onnx.load(str(tmp))
    transitions, start, end = _crf_arrays(crf)
    meta = {"labels": labels, "chars": vocabulary_lists[0], "bigrams": vocabulary_lists[1],
            "crf": {"transitions": transitions.round(5).tolist(), "start": start.round(5).tolist(),
                    "end": end.round(5).tolist()},
            "record": record}
    if lexicon_meta is not None:
        meta["lexicon"] = lexicon_meta
    for key, value in meta.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, json.dumps(value, ensure_ascii=False)
    onnx.save(model, str(tmp))
    tmp.replace(out)


def _command(argv) -> str:
    """The command that rebuilds this model; where the file was written does not change it."""
    args = list(argv[1:] if argv and argv[0] == "ner" else argv)
    if "--out" in args:
        i = args.index("--out")
        del args[i:i + 2]
    args = [a for a in args if not a.startswith("--out=")]
    return " ".join(["python -m pipeline.train ner", *args]).strip()


def _raw_texts(corpora_dir: Path, resources):
    """The raw corpora for pretraining, in the working script, without the gold documents."""
    from . import embeddings

    if not corpora_dir.is_dir():
        print(f"{corpora_dir}: no raw-text corpora; pretraining skipped (pass --raw, or "
              f"--pretrain-minutes 0 to say so)", flush=True)
        return [], {}
    texts, counts = embeddings.raw_texts(corpora_dir, resources.normalizer.convert, embeddings.gold_documents())
    hashes = {str(p.relative_to(corpora_dir)): ner_data.sha256(p) for p in sorted(corpora_dir.glob("*/docs.jsonl"))}
    print(f"raw text for pretraining: {sum(map(len, texts)):,} characters ({counts})", flush=True)
    return texts, {"data": hashes, "documents": counts}


def _pretrain(texts, spans, char_list, bigram_list, word_list, args) -> dict:
    """Skip-gram vectors, scaled to the spread of the tagger's own initialisation (unit variance)."""
    from . import embeddings

    order = embeddings.shuffled(list(range(len(texts))), args.seed)
    vectors = embeddings.pretrain([texts[i] for i in order], char_list, bigram_list, args.char_dim, args.bigram_dim,
                                  args.seed, args.pretrain_minutes, log=lambda line: print(line, flush=True),
                                  word_list=word_list, word_dim=args.word_dim,
                                  word_spans=[spans[i] for i in order] if spans else None)
    record = vectors[2]
    tables = {"chars": vectors[0], "bigrams": vectors[1]}
    if word_list:
        tables["words"] = vectors[3]
    for table in tables.values():
        table[1:] /= max(float(table[1:].std()), 1e-6)
    return {name: table.astype(numpy.float32) for name, table in tables.items()} | {"record": record}


def _word_spans(edges: list[int]) -> list[tuple[int, int]]:
    return list(zip([0] + edges[:-1], edges))


def train_from_args(args, argv) -> int:
    import torch

    from ..language import build_resources
    from .ner_network import BiLstmTagger, PartialCRF

    started = time.monotonic()
    data_dir = Path(args.data)
    config = ner_data.label_config()
    missing = [data_dir / spec["path"] for name, spec in config["corpora"].items()
               if (not args.corpora or name in args.corpora) and "path" in spec
               and not (data_dir / spec["path"]).exists()]
    if missing:
        print(f"{missing[0]}: training corpus not found; pass --data with the folder that holds "
              f"{', '.join(spec['path'] for spec in config['corpora'].values() if 'path' in spec)}",
              file=sys.stderr)
        return 2
    random.seed(args.seed)
    numpy.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    labels = config["model_labels"]
    annotates = {name: set(spec["annotates"]) for name, spec in config["corpora"].items()}
    if args.corpora and (unknown := [c for c in args.corpora if c not in config["corpora"]]):
        print(f"--corpora: no corpus named {unknown[0]!r} in data/ner/corpora.yaml "
              f"(there are {', '.join(config['corpora'])})", file=sys.stderr)
        return 2
    resources = build_resources()
    resources.segmenter.initialize()
    try:
        sentences, hashes = ner_data.read_corpora(data_dir, resources.segmenter, resources.gazetteer,
                                                  resources.entity_rules, args.corpora, Path(args.raw),
                                                  resources.normalizer)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    repeats = {name: spec["repeat"] for name, spec in config["corpora"].items() if "repeat" in spec}
    train, heldout = ner_data.split_heldout(sentences, args.heldout, args.seed, repeats)
    if args.limit:
        train = train[:args.limit]
    raw, raw_record = [], {}
    if args.pretrain_minutes > 0:
        raw, raw_record = _raw_texts(Path(args.raw), resources)
    char_list, bigram_list = ner_data.build_vocabulary(train, 2, 2, args.max_bigrams, raw)
    vocabulary = Vocabulary(char_list, bigram_list)
    texts = raw + [s.text for s in train]
    lexicon = lexicon_meta = spans = None
    word_list: list[str] = []
    if args.lexicon_size:
        spans = [_word_spans(resources.segmenter.word_edges(t)) for t in raw] + \
            [ner_data.segmented_words(s.text, s.segs) for s in train]
        word_list, counts = ner_data.lexicon_words(zip(texts, spans), args.lexicon_size)
        lexicon_meta = {"words": word_list, "counts": counts, "max_length": 6, "per_set": 4}
        lexicon = Lexicon(**lexicon_meta)
        for s in train + heldout:
            s.words = lexicon.encode(s.text)
        print(f"lexicon: {len(word_list)} words; encoded in {time.monotonic() - started:.0f} s", flush=True)
    names = tag_names(labels)
    print(f"{len(train)} training and {len(heldout)} held-out sentences, {sum(len(s.text) for s in train):,} "
          f"characters; {len(char_list)} characters and {len(bigram_list)} bigrams in the vocabulary; "
          f"read in {time.monotonic() - started:.0f} s", flush=True)
    network = BiLstmTagger(len(char_list) + 2, len(bigram_list) + 2, len(names), args.char_dim, args.bigram_dim,
                           16, args.hidden, args.dropout, len(word_list) + 2 if word_list else 0, args.word_dim)
    if raw:
        pretrained = _pretrain(texts, spans, char_list, bigram_list, word_list, args)
        raw_record.update(pretrained.pop("record"))
        with torch.no_grad():
            for name, table in pretrained.items():
                getattr(network, name).weight.copy_(torch.from_numpy(table))
    crf = PartialCRF(names)
    optimizer = torch.optim.Adam(list(network.parameters()) + list(crf.parameters()), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    rng = random.Random(args.seed)
    out = Path(args.out)
    best, history, epoch_seconds = -1.0, [], 0.0
    budget = args.minutes * 60
    for epoch in range(1, args.epochs + 1):
        if time.monotonic() - started + epoch_seconds > budget:
            print(f"time budget reached before epoch {epoch}", flush=True)
            break
        epoch_start, total = time.monotonic(), 0.0
        batches = _batches(train, args.batch_chars, rng)
        for batch in batches:
            inputs, mask, allowed = _tensors(batch, train, vocabulary, labels, annotates, True, lexicon)
            loss = crf.loss(network(*inputs), mask, allowed)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(network.parameters()) + list(crf.parameters()), 5.0)
            optimizer.step()
            total += loss.item()
        scheduler.step()
        scores = evaluate(network, crf, heldout, vocabulary, labels, annotates, lexicon=lexicon)
        epoch_seconds = time.monotonic() - epoch_start
        history.append({"epoch": epoch, "loss": round(total / len(batches), 4), "heldout_f1": scores,
                        "seconds": round(epoch_seconds)})
        print(json.dumps(history[-1]), flush=True)
        if scores["all"] > best:
            best = scores["all"]
            record = {
                "command": _command(argv),
                "seed": args.seed, "data": hashes, "heldout_fraction": args.heldout,
                "training_sentences": len(train), "heldout_sentences": len(heldout),
                "hyperparameters": {k: getattr(args, k) for k in ("hidden", "char_dim", "bigram_dim", "max_bigrams",
                                                                  "dropout", "lr", "batch_chars",
                                                                  "pretrain_minutes", "lexicon_size", "word_dim")},
                "pretraining": raw_record, "best_epoch": epoch, "heldout_f1": scores, "history": history,
                "minutes": round((time.monotonic() - started) / 60, 1),
                "torch": torch.__version__, "python": platform.python_version(),
            }
            export(network, crf, (char_list, bigram_list), labels, record, out, lexicon_meta)
            print(f"wrote {out} (epoch {epoch}, held-out F1 {best})", flush=True)
    print(f"done in {(time.monotonic() - started) / 60:.1f} min; best held-out F1 {best}", flush=True)
    return 0
