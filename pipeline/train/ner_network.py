"""The entity model's network (PyTorch, for training and export) and its partial-label CRF."""
from __future__ import annotations

import torch
from torch import nn

NEG = -1e4  # a forbidden tag or transition


class BiLstmTagger(nn.Module):
    """Character, bigram and word-position embeddings (and, with ``n_words``, the weighted mean
    vectors of the lexicon words that begin, pass through and end at each character) → a BiLSTM →
    per-tag scores.

    The backward LSTM reads each sentence reversed within its own length, so padding after a
    short sentence never reaches its states: a batch gives the same scores as one sentence alone.
    """

    def __init__(self, n_chars: int, n_bigrams: int, n_tags: int, char_dim: int = 128, bigram_dim: int = 48,
                 seg_dim: int = 16, hidden: int = 128, dropout: float = 0.3, n_words: int = 0, word_dim: int = 32,
                 word_sets: int = 3):
        super().__init__()
        self.chars = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.bigrams = nn.Embedding(n_bigrams, bigram_dim, padding_idx=0)
        self.segs = nn.Embedding(5, seg_dim, padding_idx=0)
        width = char_dim + bigram_dim + seg_dim
        self.words = nn.Embedding(n_words, word_dim, padding_idx=0) if n_words else None
        if n_words:
            width += word_sets * word_dim
        self.forward_lstm = nn.LSTM(width, hidden, batch_first=True)
        self.backward_lstm = nn.LSTM(width, hidden, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.scores = nn.Linear(2 * hidden, n_tags)

    def forward(self, chars, bigrams, segs, lengths, words=None, word_weights=None):
        parts = [self.chars(chars), self.bigrams(bigrams), self.segs(segs)]
        if self.words is not None:
            # batch × time × sets × per_set × dim, weighted and summed over each set's words
            lexicon = (self.words(words) * word_weights.unsqueeze(-1)).sum(3)
            parts.append(lexicon.flatten(2))
        x = torch.cat(parts, -1)
        x = self.dropout(x)
        steps = torch.cumsum(torch.ones_like(chars), 1) - 1
        last = lengths.unsqueeze(1) - 1
        reverse = torch.where(steps <= last, last - steps, steps)
        forward_states, _ = self.forward_lstm(x)
        x_reversed = torch.gather(x, 1, reverse.unsqueeze(2).expand(-1, -1, x.shape[2]))
        backward_states, _ = self.backward_lstm(x_reversed)
        backward_states = torch.gather(backward_states, 1,
                                       reverse.unsqueeze(2).expand(-1, -1, backward_states.shape[2]))
        return self.scores(self.dropout(torch.cat([forward_states, backward_states], -1)))


def bioes_constraints(names: list[str]):
    """Which transitions, first tags and last tags make well-formed BIOES paths."""
    k = len(names)
    parts = [n.split("-", 1) if n != "O" else ("O", None) for n in names]
    allowed = torch.zeros(k, k, dtype=torch.bool)
    for i, (a, la) in enumerate(parts):
        for j, (b, lb) in enumerate(parts):
            if a in ("O", "E", "S"):
                allowed[i, j] = b in ("O", "B", "S")
            else:
                allowed[i, j] = b in ("I", "E") and la == lb
    first = torch.tensor([p[0] in ("O", "B", "S") for p in parts])
    last = torch.tensor([p[0] in ("O", "E", "S") for p in parts])
    return allowed, first, last


class PartialCRF(nn.Module):
    """A linear-chain CRF whose gold is a set of allowed tags per character: the loss is
    log Z(all paths) − log Z(allowed paths), which is ordinary CRF loss when one tag is allowed."""

    def __init__(self, names: list[str]):
        super().__init__()
        k = len(names)
        self.transitions = nn.Parameter(torch.zeros(k, k))
        self.start = nn.Parameter(torch.zeros(k))
        self.end = nn.Parameter(torch.zeros(k))
        allowed, first, last = bioes_constraints(names)
        self.register_buffer("allowed", allowed)
        self.register_buffer("first", first)
        self.register_buffer("last", last)

    def constrained(self):
        return (self.transitions.masked_fill(~self.allowed, NEG), self.start.masked_fill(~self.first, NEG),
                self.end.masked_fill(~self.last, NEG))

    def log_partition(self, emissions, mask):
        transitions, start, end = self.constrained()
        alpha = start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + transitions, 1) + emissions[:, t]
            alpha = torch.where(mask[:, t].unsqueeze(1), step, alpha)
        return torch.logsumexp(alpha + end, 1)

    def loss(self, emissions, mask, allowed):
        """Mean negative log-likelihood of the allowed paths; ``mask`` marks real characters."""
        both = torch.cat([emissions, emissions.masked_fill(~allowed, NEG)], 0)
        z = self.log_partition(both, torch.cat([mask, mask], 0))
        n = emissions.shape[0]
        return (z[:n] - z[n:]).mean()
