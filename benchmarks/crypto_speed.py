"""Speed of privaudit.transform.crypto on 1,000,000 values, ~all distinct.

Run: python benchmarks/crypto_speed.py
Prints, per operation, the best of 3 runs (wall and CPU seconds) — the machine is shared.
"""

import os
import time

import numpy as np
import pandas as pd

from privaudit.transform.crypto import decrypt_series, encrypt_series, pseudonymise_series
from privaudit.transform.risk import assess

n = 1_000_000
rng = np.random.default_rng(7)
ids = pd.Series(np.char.add("110105", rng.integers(10**11, 10**12, n).astype(str)), dtype="str")  # 18 digits
phones = pd.Series(np.char.add("138", rng.integers(10**7, 10**8, n).astype(str)), dtype="str")
names = pd.Series(rng.choice(list("王李张刘陈杨黄赵吴周"), n) + rng.choice(list("伟芳娜秀英敏静丽强磊"), n)
                  + rng.choice(list("军洋勇艳杰娟涛明超兰"), n), dtype="str")
print(f"{n:,} rows; distinct: IDs {ids.nunique():,}, phones {phones.nunique():,}, names {names.nunique():,}")
key = os.urandom(32)


def best(label, fn, runs=3):
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    w = min(walls)
    print(f"{label:45s} {w:5.2f} s wall (CPU {min(cpus):.2f} s)  {n / w:>10,.0f} values/s", flush=True)
    return out


best("pseudonymise_series IDs, HMAC-SHA256", lambda: pseudonymise_series(ids, key, "CN_RESIDENT_ID"))
best("pseudonymise_series IDs, HMAC-SM3", lambda: pseudonymise_series(ids, key, "CN_RESIDENT_ID", algorithm="sm3"))
best("pseudonymise_series phones, HMAC-SHA256", lambda: pseudonymise_series(phones, key, "PHONE_NUMBER"))
best("pseudonymise_series names (1,000 distinct)", lambda: pseudonymise_series(names, key, "PERSON"))
aes = best("encrypt_series IDs, AES-256-GCM", lambda: encrypt_series(ids, key))
best("decrypt_series IDs, AES-256-GCM", lambda: decrypt_series(aes, key))
sm4 = best("encrypt_series IDs, SM4-GCM", lambda: encrypt_series(ids, key, algorithm="sm4"))
best("decrypt_series IDs, SM4-GCM", lambda: decrypt_series(sm4, key))
frame = pd.DataFrame({
    "性别": rng.choice(["男", "女"], n), "出生年": rng.integers(1930, 2020, n).astype(str),
    "区县": rng.choice([f"区{i}" for i in range(16)], n), "民族": rng.choice(["汉族", "回族", "满族"], n),
    "宗教信仰": rng.choice(["无", "佛教", "基督教"], n),
}).astype("str")
best("risk.assess 4 QIs + 1 sensitive", lambda: assess(frame, ["性别", "出生年", "区县", "民族"], ["宗教信仰"]))
