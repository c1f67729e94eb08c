"""The quarterly counting an analyst does by hand over a 问题整改台账 (seed
001 附件3) exported by zlc: pandas with openpyxl reads the sheet (title and
two lines above a two-row header), then counts walks, officials, problems
found and problems solved in the quarter. Used by benches/office.rs.

    python3 pandas_quarterly.py LEDGER.xlsx 2024-01-01 2024-03-31
"""

import json
import sys

import pandas as pd

path, start, end = sys.argv[1], pd.Timestamp(sys.argv[2]), pd.Timestamp(sys.argv[3])
# Rows 1-3 are the title and the 填报单位 / 填报日期 lines; 4-5 the header.
df = pd.read_excel(path, engine="openpyxl", skiprows=3, header=[0, 1])
df.columns = [b if not str(b).startswith("Unnamed") else a for a, b in df.columns]
df = df[pd.to_numeric(df["序号"], errors="coerce").notna()]  # drop 填报人 / 联系方式
df["时间"] = pd.to_datetime(df["时间"], errors="coerce")
df = df[(df["时间"] >= start) & (df["时间"] <= end)]
forms = ["驻窗办", "亲身办", "陪同办", "检验办"]
df["形式"] = df[forms].notna().idxmax(axis=1)
walks = df.drop_duplicates(["时间", "流程人员及职务", "体验事项", "形式"])
problems = df[df["存在问题及原因"].fillna("无").str.strip() != "无"]
done = pd.to_datetime(problems["整改完成时间"], errors="coerce")
solved = problems[(done >= start) & (done <= end) & problems["整改及优化措施"].notna()]
print(json.dumps({
    "activities": int(len(walks)),
    "by_form": {f: int((walks["形式"] == f).sum()) for f in forms},
    "officials": int(walks["流程人员及职务"].str.split().str[0].nunique()),
    "problems_found": int(len(problems)),
    "problems_solved": int(len(solved)),
}, ensure_ascii=False))
