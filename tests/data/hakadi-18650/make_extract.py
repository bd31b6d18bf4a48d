"""Write the extracts in this folder from the CC0 files in ../shared/external-data/hakadi-18650/.

The first 50 samples of each step as logged (100 ms: the voltage 1 s into the discharge sets the
baseline's resistance), then every 20th sample (about 2 s); columns and values unchanged (unit-less
header: step, mode, time in ms, voltage in V, current in A, discharge negative). For each file: step
2 (the CC discharge to 1.5 V, from the CC-CV top-up at 4.1 V); for the 0.5C file also step 3's
constant-current part (the recharge until the voltage first reaches 4.09 V, where the CV phase
starts): the two currents the set is fitted to.

Run from the repository root: python tests/data/hakadi-18650/make_extract.py
"""

from pathlib import Path

import pandas as pd

SOURCE = Path(__file__).resolve().parents[4] / "shared" / "external-data" / "hakadi-18650"
HERE = Path(__file__).resolve().parent
FILES = {"static_test_0c5-1-1.csv": "cell1_0.5C", "static_test_0c75-1-1.csv": "cell1_0.75C",
         "static_test_1c-1-1.csv": "cell1_1C", "static_test_1c25-1-1.csv": "cell1_1.25C",
         "static_test_1c5-1-1.csv": "cell1_1.5C", "static_test_2c-1-1.csv": "cell1_2C",
         "static_test_05_1c5-3-1.csv": "cell3_1.5C"}
EVERY = 20
DENSE = 50
CV_START_V = 4.09


def thin(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([rows.iloc[:DENSE], rows.iloc[DENSE::EVERY]])


for name, stem in FILES.items():
    raw = pd.read_csv(SOURCE / name)
    discharge = thin(raw[raw["step"] == 2])
    discharge.to_csv(HERE / f"{stem}_discharge.csv", index=False)
    if stem == "cell1_0.5C":
        recharge = raw[raw["step"] == 3]
        cc = recharge.iloc[: int((recharge["voltage"] >= CV_START_V).to_numpy().argmax())]
        pd.concat([discharge, thin(cc)]).to_csv(HERE / f"{stem}_discharge_recharge.csv", index=False)
