#!/usr/bin/env python3
"""Builds fuzz/corpus/<target>/ seed corpora from the repository's fixtures.

Run from anywhere: python3 fuzz/seed_corpora.py. Idempotent (seeds are named by content hash).
Shared fixtures are read from ../shared/fixtures/salesforce when that folder exists.
"""
import hashlib
import json
import pathlib
import re

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SHARED = ROOT.parent / "shared" / "fixtures" / "salesforce"
CORPUS = FUZZ / "corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def raw_strings(path):
    """Rust raw string literals r#"..."# / r"..." in a source file."""
    text = path.read_text(errors="replace")
    for m in re.finditer(r'r(#*)"(.*?)"\1', text, re.S):
        yield m.group(2)


def plain_strings(path):
    """Ordinary Rust string literals "..." in a source file, unescaped (roughly)."""
    text = path.read_text(errors="replace")
    for m in re.finditer(r'(?<![r#\w])"((?:[^"\\]|\\.)*)"', text, re.S):
        body = re.sub(r"\\\n\s*", "", m.group(1))  # line continuations
        try:
            yield body.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1", "replace").decode("utf-8", "replace")
        except Exception:
            continue


# apex: every .cls / .trigger alone, and each folder's classes joined (NUL NUL separates files).
apex_files = sorted(
    p for p in ROOT.joinpath("fixtures").rglob("*") if p.suffix in (".cls", ".trigger")
)
by_dir = {}
for p in apex_files:
    put("apex", p.read_bytes())
    by_dir.setdefault(p.parent, []).append(p.read_bytes())
for files in by_dir.values():
    for i in range(0, len(files), 8):
        put("apex", b"\0\0".join(files[i : i + 8]))

# codeowners: dialect byte, file text, NUL, paths (the fixture's own tree).
mono = ROOT / "fixtures" / "enterprise-monorepo"
paths = sorted(
    str(p.relative_to(mono)) for p in mono.rglob("*") if p.is_file()
)[:16]
paths += ["sales/", "docs/README.md", "/force-app/main/default/classes/A.cls"]
for sel, co in ((b"\x00", mono / ".github" / "CODEOWNERS"), (b"\x01", mono / ".gitlab" / "CODEOWNERS")):
    text = co.read_bytes()
    put("codeowners", sel + text + b"\0" + "\n".join(paths).encode())
    put("codeowners", (b"\x01" if sel == b"\x00" else b"\x00") + text + b"\0" + "\n".join(paths).encode())
hmarr = json.loads((ROOT / "fixtures" / "codeowners" / "hmarr-patterns.json").read_text())
cases = hmarr if isinstance(hmarr, list) else hmarr.get("tests", hmarr.get("cases", []))
for i, case in enumerate(cases):
    if not isinstance(case, dict):
        continue
    pat = case.get("pattern")
    ps = list((case.get("paths") or {}).keys()) if isinstance(case.get("paths"), dict) else []
    if pat:
        put("codeowners", bytes([i % 2]) + f"{pat} @owner\n".encode() + b"\0" + "\n".join(ps).encode())

# smoke_spec: the presets with plausible variables, and YAML snippets from the smoke tests.
vars_ = (
    "EXPECTED_ORG_ID=00D000000000001AAA\nAPPROVAL_PROCESS=Discount_Approval\n"
    "PERMISSION_SET=Sales_User\nMIN_ASSIGNEES=3\nCMDT_TYPE=Feature_Flag__mdt\n"
    "CMDT_RECORD=Checkout\nCMDT_FIELD=Enabled__c\nCMDT_EXPECTED=true\n"
    "SCHEDULED_JOBS=Nightly%\nMIN_JOBS=1\nDEPLOY_STARTED_AT=2026-01-01T00:00:00Z\n"
)
for p in sorted((ROOT / "src" / "smoke" / "presets").glob("*.yml")):
    put("smoke_spec", p.read_bytes() + b"\0" + vars_.encode())
    put("smoke_spec", p.read_bytes())
for src in [ROOT / "src" / "smoke" / "spec.rs", ROOT / "tests" / "smoke_cli.rs"]:
    if src.exists():
        for s in [*raw_strings(src), *plain_strings(src)]:
            if "checks:" in s:
                put("smoke_spec", s.encode() + b"\0" + vars_.encode())

# deploy_result: the repository's and the shared Salesforce fixtures (JSON and XML).
for base in [ROOT / "fixtures" / "gate", ROOT / "fixtures" / "salesforce", SHARED, ROOT / "tests"]:
    if base.exists():
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.suffix in (".json", ".xml") and p.stat().st_size < 2_000_000:
                if "schemas" in p.parts:
                    continue
                put("deploy_result", p.read_bytes())
for src in [ROOT / "src" / "gate" / "sf_result.rs", ROOT / "src" / "gate" / "deploy_result.rs", ROOT / "tests" / "gate_cli.rs"]:
    if src.exists():
        for s in [*raw_strings(src), *plain_strings(src)]:
            t = s.lstrip()
            if t.startswith("{") or t.startswith("<"):
                put("deploy_result", s)

# config: .sfci.yml examples from the config unit tests, the CLI tests and the README.
for src in [*sorted((ROOT / "src" / "config").glob("*.rs")), *sorted((ROOT / "src").glob("*/config.rs")), *sorted((ROOT / "tests").glob("*.rs"))]:
    for s in [*raw_strings(src), *plain_strings(src)]:
        if re.search(r"^\ufeff?(lint|deps|owners|smoke|gate):", s, re.M):
            put("config", s)
readme = (ROOT / "README.md").read_text(errors="replace")
for block in re.findall(r"```ya?ml\n(.*?)```", readme, re.S):
    if re.search(r"^(lint|deps|owners|smoke|gate):", block, re.M):
        put("config", block)
put("config", "")

# auth_url: well-formed and near-miss SFDX auth URLs.
for u in [
    "force://PlatformCLI::5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrfB4fbz8jYfaKIwz4hvLQ5tL0hz8tdZ6l9.ViNvR5TwvmPpSu@example.my.salesforce.com",
    "force://3MVG9abc:secret123:5Aep861refresh@https://test.salesforce.com",
    "force://id:secret:token@http://127.0.0.1:8080",
    "force://id:secret:token@http://10.0.0.1",
    "force://id::tok:en@host.example.com/",
    "\ufeff force://id:s:t@login.salesforce.com\n",
    "force://id:s:t@",
    "force://:s:t@host",
    "force://id:s@host",
    "https://id:s:t@host",
]:
    put("auth_url", u)

# callgraph: the generator reads one opcode byte per structure (0 chain, 1 interface cycle,
# 2 virtual hierarchy, 3 Queueables, 4 @future, 5 trigger, 6 Iterable, 7 burst of callouts,
# 8 two earlier entries combined), then two-byte sizes and flag bytes, then test styles
# (see fuzz/checks/callgraph.rs). A seed per structure, with large sizes, and a mix.
for op in range(9):
    for size in (b"\x00\x05", b"\x01\xf4", b"\xff\xff"):
        put("callgraph", bytes([op]) + size + b"\x01\x01\x00\x01" + b"\x02\x00\x01\x02\x03\x07")
put("callgraph", bytes(range(256)))
put("callgraph", bytes([0, 1, 0x90, 1, 1, 0, 3, 0, 2, 5, 0, 0, 3, 1, 0x40, 0, 3, 0, 0, 5, 1, 1, 8, 0, 0, 0, 1, 2, 3, 3, 6, 7]))

for d in sorted(CORPUS.iterdir()):
    print(d.name, len(list(d.iterdir())))
