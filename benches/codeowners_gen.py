#!/usr/bin/env python3
"""Generate a large CODEOWNERS and a paths file for benchmarking `codeowners-check owners`.

    python3 benches/codeowners_gen.py /tmp/co-bench/corpus                 # 5,000 rules, 1,000,000 paths
    python3 benches/codeowners_gen.py --rules 500 --paths 10000 /tmp/co-small
    python3 benches/codeowners_gen.py --dialect gitlab /tmp/co-bench/corpus-gitlab

Writes into the output directory:
  CODEOWNERS     the rules (GitHub dialect, or GitLab sections with --dialect gitlab)
  paths.txt      repository-relative file paths, one per line, in random order, all distinct
  manifest.json  options, counts per rule kind and per path kind, SHA-256 of both files

Deterministic: the same --rules, --paths and --seed give byte-identical files. Both dialects
carry the same rules (same patterns, same owners, same relative order within a team); the
GitLab file groups them into sections, puts a team's owners on its section line and leaves
them off the rules that have exactly those owners, and turns GitHub's owner-less rules
("unowned") into exclusions (`!pattern`). Standard library only.

The repository being modelled is a large monorepo: `apps/<team>/<module>/` (the bulk),
`services/`, `libs/`, `packages/`, `docs/`, `infra/terraform/<env>/<team>/`, `.github/`,
`tools/`, `third_party/`, and unowned corners (`experimental/`, `sandbox/`, `archive/`,
modules no rule names). With the defaults about one path in nine has no owner (no rule matches,
or an owner-less rule decides).

Rule kinds (counts in the manifest): extension rules (`*.go`), root and platform files
(`/Makefile`, `/.github/workflows/`), `/docs/**` and friends, team folders, module folders
and their sub-folders (`api/`, `migrations/`, `**/*.sql`, `e2e/**`, `v?/`, `*.md`), cross-cutting
rules at the end (`**/migrations/`, `**/BUILD.bazel`, `/apps/**/e2e/`, `**/*.proto`), a few
owner-less rules and a few inline comments. Some shapes are ones the npm and PyPI `codeowners`
packages get wrong (`docs/*`, `?`, `dir/**/`, inline comments): benches/README.md lists them.
"""
import argparse
import hashlib
import json
import os
import random
import sys

TEAMS = [
    "payments", "checkout", "search", "identity", "notifications", "billing", "ledger", "risk",
    "fraud", "growth", "onboarding", "messaging", "media", "maps", "pricing", "catalog",
    "inventory", "logistics", "shipping", "returns", "reviews", "ads", "analytics",
    "data-platform", "ml-platform", "storage", "networking", "observability", "mobile-core",
    "web-core", "design-system", "accessibility", "i18n", "support", "crm", "marketing",
    "partners", "compliance", "tax", "payroll", "hr-tools", "finance", "loyalty", "travel",
    "bookings", "rewards", "subscriptions", "experiments",
]
# Teams whose GitLab section needs two approvals.
TWO_APPROVALS = {"payments", "ledger", "compliance", "tax", "identity"}
# Teams with an optional GitLab section (^[Name]).
OPTIONAL_TEAMS = {"experiments", "design-system", "accessibility"}
# Teams without a catch-all `/apps/<team>/` rule (only their modules are owned).
NO_TEAM_FOLDER_RULE = {"growth", "media", "reviews", "support", "travel", "rewards", "loyalty"}

MODULE_WORDS = [
    "api", "gateway", "worker", "scheduler", "indexer", "sync", "importer", "exporter", "ui",
    "admin", "portal", "reports", "dashboard", "ingest", "stream", "cache", "store", "auth",
    "session", "profile", "settings", "feed", "router", "renderer", "client", "sdk", "cli",
    "jobs", "events", "webhooks", "pipeline", "model", "serving", "training", "rules", "engine",
    "audit", "ranking", "quotes", "ledger", "payouts", "disputes", "refunds", "invoices",
    "alerts", "metrics", "tracing", "search", "suggest", "geo", "tiles", "emails", "sms", "push",
]
SUBTEAMS = ["core", "platform", "frontend", "backend", "mobile", "data", "oncall", "infra"]
FIRST = ["alex", "sam", "jo", "kim", "lee", "max", "noa", "ria", "tom", "ana", "ben", "eva",
         "ivan", "li", "mia", "omar", "pia", "raj", "sara", "yuki", "zoe", "dan", "ines", "kofi"]
LAST = ["smith", "garcia", "chen", "muller", "rossi", "kowalski", "silva", "nguyen", "okafor",
        "haddad", "novak", "tanaka", "berg", "dubois", "ivanova", "patel", "kim", "lopez"]

# extension -> owning guild (extension rules at the top of the file)
EXT_RULES = [
    ("*.go", "@acme/go-guild"), ("*.rs", "@acme/rust-guild"), ("*.py", "@acme/python-guild"),
    ("*.java", "@acme/jvm-guild"), ("*.kt", "@acme/jvm-guild @acme/mobile-core"),
    ("*.js", "@acme/web-core"), ("*.ts", "@acme/web-core"), ("*.tsx", "@acme/web-core @acme/design-system"),
    ("*.css", "@acme/design-system"), ("*.scss", "@acme/design-system"),
    ("*.swift", "@acme/mobile-core"), ("*.sql", "@acme/dba"), ("*.tf", "@acme/infra"),
    ("*.tfvars", "@acme/infra @acme/security"), ("*.sh", "@acme/devex"),
    ("*.yaml", "@acme/sre"), ("*.yml", "@acme/sre"), ("*.graphql", "@acme/api-guild"),
    ("*.md", "docs@acme.com"), ("*.rb", "@acme/ruby-guild"), ("*.php", "legacy-web@acme.com"),
    ("*.ipynb", "@acme/ml-platform"), ("*.bzl", "@acme/build"), ("*.gradle", "@acme/build"),
]

# Top-level, platform and docs rules: (pattern, owners, kind). "docs/*" (not /docs/*) is the
# example from GitHub's documentation; its direct children only.
PLATFORM_RULES = [
    ("/package.json", "@acme/web-core @acme/devex", "root-file"),
    ("/package-lock.json", "@acme/web-core", "root-file"),
    ("/go.mod", "@acme/go-guild", "root-file"), ("/go.sum", "@acme/go-guild", "root-file"),
    ("/Cargo.toml", "@acme/rust-guild", "root-file"), ("/Makefile", "@acme/devex", "root-file"),
    ("/WORKSPACE", "@acme/build", "root-file"), ("/.bazelrc", "@acme/build", "root-file"),
    ("/README.md", "@acme/devex docs@acme.com", "root-file"),
    ("/CHANGELOG.md", "@acme/release", "root-file"),
    ("/.github/", "@acme/devex", "platform"),
    ("/.github/workflows/", "@acme/release @acme/devex", "platform"),
    ("/.github/workflows/deploy-*.yml", "@acme/release @acme/sre", "platform"),
    ("/.github/CODEOWNERS", "@acme/engineering-managers", "platform"),
    ("/tools/", "@acme/devex", "platform"), ("/tools/lint/", "@acme/devex @alex.chen", "platform"),
    ("/scripts/*.sh", "@acme/devex", "platform"), ("/scripts/release/", "@acme/release", "platform"),
    ("/infra/", "@acme/infra", "platform"), ("/infra/terraform/prod/", "@acme/sre @acme/infra", "platform"),
    ("/infra/k8s/", "@acme/sre", "platform"), ("/infra/k8s/base/", "@acme/sre @acme/security", "platform"),
    ("/libs/", "@acme/platform", "platform"), ("/packages/", "@acme/web-core", "platform"),
    ("/services/", "@acme/platform", "platform"),
    ("/docs/**", "@acme/docs", "docs"), ("docs/*", "docs@acme.com", "docs"),
    ("/docs/api/", "@acme/api-guild @acme/docs", "docs"), ("/docs/runbooks/", "@acme/sre", "docs"),
    ("/docs/adr/**/*.md", "@acme/architecture", "docs"),
]

# Cross-cutting rules at the end of the file (they win over the team rules above them).
TAIL_RULES = [
    ("**/migrations/", "@acme/dba", "double-star"), ("**/BUILD.bazel", "@acme/build", "double-star"),
    ("/apps/**/e2e/", "@acme/qa", "double-star"), ("**/*.proto", "@acme/api-guild", "double-star"),
    ("**/Dockerfile", "@acme/sre @acme/security", "double-star"),
    ("/apps/**/i18n/", "@acme/i18n", "double-star"), ("**/security/", "@acme/security", "double-star"),
    ("/apps/*/OWNERS.md", "@acme/engineering-managers", "single-star"),
    ("/services/*/deploy/*.yaml", "@acme/sre", "single-star"),
    ("/third_party/**/", "@acme/oss-compliance", "double-star-dir"),
    ("/third_party/README.md", "@acme/oss-compliance legal@acme.com", "root-file"),
    ("**/testdata/**", "@acme/qa", "double-star"),
    ("/libs/crypto/", "@acme/security @sara.novak", "platform"),
    ("/apps/identity/auth/", "@acme/identity @acme/security", "platform"),
    ("**/.env.example", "@acme/security", "double-star"),
    ("/.github/dependabot.yml", "@acme/security @acme/devex", "platform"),
]

# Module sub-folders a path can use, with weights; the rule generator uses some of them.
SUBDIRS = [("src", 30), ("lib", 8), ("internal", 8), ("cmd", 3), ("test", 8), ("tests", 5),
           ("api", 7), ("migrations", 3), ("e2e", 3), ("generated", 3), ("v1", 2), ("v2", 2),
           ("docs", 2), ("__tests__", 3), ("config", 3), ("scripts", 2), ("i18n", 2),
           ("testdata", 2), ("security", 1), ("", 4)]
INNER = ["handlers", "models", "utils", "components", "hooks", "store", "views", "services",
         "client", "server", "core", "common", "types", "adapters", "domain", "infra", "mocks"]
FILE_WORDS = ["user", "order", "account", "payment", "session", "config", "index", "main",
              "handler", "service", "client", "model", "schema", "router", "helper", "cache",
              "token", "event", "queue", "report", "export", "import", "price", "item", "cart",
              "search", "result", "filter", "page", "layout", "button", "form", "table", "chart",
              "graph", "node", "edge", "batch", "job", "task", "retry", "limit", "metric", "log"]
# module "language" -> extensions with weights
LANGS = {
    "go": [(".go", 10), ("_test.go", 5), (".yaml", 1), (".sql", 1), (".proto", 1), (".md", 1)],
    "ts": [(".ts", 8), (".tsx", 6), (".test.ts", 3), (".css", 1), (".json", 2), (".md", 1), (".svg", 1)],
    "py": [(".py", 10), (".ipynb", 1), (".txt", 1), (".yaml", 1), (".sql", 1), (".md", 1)],
    "java": [(".java", 10), (".kt", 4), (".xml", 1), (".properties", 1), (".gradle", 1)],
    "rust": [(".rs", 10), (".toml", 1), (".md", 1)],
    "swift": [(".swift", 10), (".plist", 1), (".png", 1)],
}
LANG_NAMES = sorted(LANGS)
SPECIAL_FILES = ["BUILD.bazel", "Dockerfile", "OWNERS.md", "README.md", ".env.example", "Makefile"]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.random() * total
    for v, w in pairs:
        r -= w
        if r < 0:
            return v
    return pairs[-1][0]


class Rule:
    __slots__ = ("pattern", "owners", "kind", "comment", "team")

    def __init__(self, pattern, owners, kind, team=None, comment=None):
        self.pattern = pattern
        self.owners = owners.split() if isinstance(owners, str) else list(owners)
        self.kind = kind
        self.team = team
        self.comment = comment

    def github(self):
        line = self.pattern
        if self.owners:
            line += " " + " ".join(self.owners)
        if self.comment:
            line += "  # " + self.comment
        return line


def make_people(rng):
    users = sorted({f"{rng.choice(FIRST)}.{rng.choice(LAST)}" for _ in range(400)})
    return users


def module_rules(rng, team, module, users, lang):
    """The rules of one module: the folder first, then more specific ones (last match wins)."""
    base = f"/apps/{team}/{module}/"
    r = rng.random()
    if r < 0.55:
        owners = [f"@acme/{team}"]
    elif r < 0.75:
        owners = [f"@acme/{team}", "@" + rng.choice(users)]
    elif r < 0.88:
        owners = [f"@acme/{team}-{rng.choice(SUBTEAMS)}"]
    else:
        owners = [rng.choice(users) + "@acme.com"]
    comment = None
    if rng.random() < 0.01:
        comment = rng.choice(["moved from the monolith in 2023", "TODO: split by sub-team",
                              "see go/ownership", "on-call rotation owns alerts"])
    rules = [Rule(base, owners, "module", team, comment)]
    # Pattern shapes a team really writes, with their frequency.
    if rng.random() < 0.35:
        rules.append(Rule(base + "api/", [f"@acme/{team}", "@acme/api-guild"], "module-sub", team))
    if rng.random() < 0.15:
        rules.append(Rule(base + "migrations/", ["@acme/dba", rng.choice(users) + "@acme.com"], "module-sub", team))
    if rng.random() < 0.15:
        rules.append(Rule(base.lstrip("/") + "**/*.sql", ["@acme/dba", f"@acme/{team}"], "double-star", team))
    if rng.random() < 0.12:
        rules.append(Rule(base + "e2e/**", ["@acme/qa", f"@acme/{team}"], "double-star", team))
    if rng.random() < 0.12:
        rules.append(Rule(base.lstrip("/") + "*.md", [f"@acme/{team}", "docs@acme.com"], "single-star", team))
    if rng.random() < 0.08:
        rules.append(Rule(base + "v?/", [f"@acme/{team}", "@acme/api-guild"], "question-mark", team))
    if rng.random() < 0.10:
        rules.append(Rule(base + "src/**/" + rng.choice(INNER) + "/", ["@" + rng.choice(users)], "double-star", team))
    if rng.random() < 0.05:
        rules.append(Rule(base + "generated/", [], "no-owner", team))
    if rng.random() < 0.10:
        rules.append(Rule(f"/services/{team}-{module}/", [f"@acme/{team}"], "service", team))
    return rules


def build(rng, n_rules):
    users = make_people(rng)
    head = [Rule(p, o, "extension") for p, o in EXT_RULES] + \
           [Rule(p, o, k) for p, o, k in PLATFORM_RULES]
    tail = [Rule(p, o, k) for p, o, k in TAIL_RULES]
    team_rules = {t: [] for t in TEAMS}
    for t in TEAMS:
        if t not in NO_TEAM_FOLDER_RULE:
            team_rules[t].append(Rule(f"/apps/{t}/", [f"@acme/{t}"], "team", t))
        team_rules[t].append(Rule(f"/docs/{t}/", [f"@acme/{t}", "@acme/docs"], "team", t))
        team_rules[t].append(Rule(f"/infra/terraform/*/{t}/", [f"@acme/{t}", "@acme/infra"], "single-star", t))
    fixed = len(head) + len(tail) + sum(len(v) for v in team_rules.values())
    if n_rules < fixed + 1:
        sys.exit(f"--rules must be at least {fixed + 1}")
    budget = n_rules - fixed
    modules = {t: [] for t in TEAMS}   # team -> [(module, lang)]
    used = {t: set() for t in TEAMS}
    i = 0
    while budget > 0:
        t = TEAMS[i % len(TEAMS)]
        i += 1
        for _ in range(50):
            a = rng.choice(MODULE_WORDS)
            b = rng.choice(MODULE_WORDS)
            m = a if rng.random() < 0.3 or b == a else f"{a}-{b}"
            if m not in used[t]:
                break
        else:
            m = f"{m}-{i}"
        used[t].add(m)
        lang = rng.choice(LANG_NAMES)
        rules = module_rules(rng, t, m, users, lang)[:budget]
        budget -= len(rules)
        modules[t].append((m, lang))
        team_rules[t].extend(rules)
    # Modules no rule names (their paths are owned by the team folder, or by nobody).
    unlisted = {}
    for t in TEAMS:
        names = set()
        while len(names) < 4:
            m = f"{rng.choice(MODULE_WORDS)}-{rng.choice(['next', 'v2', 'poc', 'legacy', 'lab'])}"
            if m not in used[t]:
                names.add(m)
        unlisted[t] = [(m, rng.choice(LANG_NAMES)) for m in sorted(names)]
    return users, head, team_rules, tail, modules, unlisted


def write_github(rules_head, team_rules, tail, out):
    lines = ["# CODEOWNERS for the acme monorepo (generated by benches/codeowners_gen.py)",
             "# Last matching rule wins: general rules first, team rules, then cross-cutting ones.", "",
             "# Languages and file types"]
    lines += [r.github() for r in rules_head if r.kind == "extension"]
    lines += ["", "# Platform, root files and docs"]
    lines += [r.github() for r in rules_head if r.kind != "extension"]
    for t in TEAMS:
        lines += ["", f"# Team {t}"]
        lines += [r.github() for r in team_rules[t]]
    lines += ["", "# Cross-cutting (these win over team rules)"]
    lines += [r.github() for r in tail]
    out.write("\n".join(lines) + "\n")


def section_title(name):
    return " ".join(w.capitalize() for w in name.replace("-", " ").split())


def write_gitlab(rules_head, team_rules, tail, out):
    lines = ["# CODEOWNERS for the acme monorepo (generated by benches/codeowners_gen.py, GitLab sections)",
             "# Every section applies; inside a section the last matching rule wins.", ""]

    def rule_line(r, default):
        if not r.owners:          # GitHub's owner-less rule: excluded from its section here
            return "!" + r.pattern
        if default and r.owners == default:
            return r.pattern
        return r.pattern + " " + " ".join(r.owners)

    lines.append("[Languages]")
    lines += [rule_line(r, None) for r in rules_head if r.kind == "extension"]
    lines += ["", "[Platform][2] @@maintainer"]
    lines += [rule_line(r, None) for r in rules_head if r.kind not in ("extension", "docs")]
    lines += ["", "^[Docs] @acme/docs"]
    lines += [rule_line(r, ["@acme/docs"]) for r in rules_head if r.kind == "docs"]
    for t in TEAMS:
        default = [f"@acme/{t}"]
        title = section_title(t)
        if t in OPTIONAL_TEAMS:
            header = f"^[{title}]"
        elif t in TWO_APPROVALS:
            header = f"[{title}][2]"
        else:
            header = f"[{title}]"
        lines += ["", f"{header} {default[0]}"]
        lines += [rule_line(r, default) for r in team_rules[t]]
    sec = {"security": "[Security][2] @acme/security", "qa": "^[QA] @acme/qa",
           "i18n": "[i18n]"}     # [i18n] merges with the team section [I18n] (case-insensitive)

    def tail_section(r):
        if "@acme/security" in r.owners or r.pattern.startswith("**/security"):
            return "security"
        if r.owners[:1] == ["@acme/qa"]:
            return "qa"
        if r.owners[:1] == ["@acme/i18n"]:
            return "i18n"
        return "cross"
    groups = {}
    for r in tail:
        groups.setdefault(tail_section(r), []).append(r)
    for key in ("cross", "qa", "i18n", "security"):
        if key not in groups:
            continue
        header = sec.get(key, "[Cross-cutting]")
        default = header.split()[1:] or None
        lines += ["", header]
        lines += [rule_line(r, default) for r in groups[key]]
    out.write("\n".join(lines) + "\n")


def gen_paths(rng, n_paths, users, modules, unlisted, out):
    """Distinct repository-relative paths, written in generation order (already random)."""
    seen = set()
    kinds = {}
    teams_with_modules = [t for t in TEAMS if modules[t]]
    ext_cache = {k: v for k, v in LANGS.items()}
    vendors = ["protobuf", "zlib", "openssl", "lodash", "boost", "grpc", "abseil", "sqlite"]
    envs = ["prod", "staging", "dev", "sandbox"]
    path_kinds = [("apps", 54), ("services", 7), ("packages", 6), ("libs", 5), ("docs", 4),
                  ("infra", 3), ("platform", 2), ("third_party", 4), ("unowned", 12), ("special", 3)]
    fw = FILE_WORDS

    def fname(lang):
        ext = weighted(rng, ext_cache[lang])
        r = rng.random()
        if r < 0.5:
            base = f"{rng.choice(fw)}_{rng.choice(fw)}"
        elif r < 0.8:
            base = rng.choice(fw)
        else:
            base = f"{rng.choice(fw)}{rng.randrange(1000)}"
        return base + ext

    def inner(depth):
        return "".join(rng.choice(INNER) + "/" for _ in range(depth))

    while len(seen) < n_paths:
        kind = weighted(rng, path_kinds)
        if kind == "apps":
            t = rng.choice(teams_with_modules)
            if rng.random() < 0.9:
                m, lang = rng.choice(modules[t])
            else:
                m, lang = rng.choice(unlisted[t])
            sub = weighted(rng, SUBDIRS)
            p = f"apps/{t}/{m}/" + (sub + "/" if sub else "")
            if sub in ("src", "lib", "internal") and rng.random() < 0.7:
                p += inner(rng.randrange(1, 4))
            elif sub in ("test", "tests", "api", "e2e", "__tests__", "v1", "v2") and rng.random() < 0.4:
                p += inner(1)
            if sub == "" and rng.random() < 0.3:
                p += rng.choice(SPECIAL_FILES)
            else:
                p += fname(lang)
        elif kind == "services":
            t = rng.choice(teams_with_modules)
            m, lang = rng.choice(modules[t])
            if rng.random() < 0.15:
                p = f"services/{t}-{m}/deploy/{rng.choice(envs)}.yaml"
            else:
                p = f"services/{t}-{m}/" + inner(rng.randrange(0, 3)) + fname(lang)
        elif kind == "packages":
            p = f"packages/{rng.choice(MODULE_WORDS)}-{rng.choice(['ui', 'kit', 'hooks', 'utils'])}/" \
                + rng.choice(["src/", "src/components/", "test/", ""]) + inner(rng.randrange(0, 2)) + fname("ts")
        elif kind == "libs":
            lib = rng.choice(["crypto", "http", "db", "log", "config", "auth", "money", "time", "geo"])
            p = f"libs/{lib}/" + inner(rng.randrange(0, 3)) + fname(rng.choice(["go", "rust", "java"]))
        elif kind == "docs":
            r = rng.random()
            word = rng.choice(fw)
            if r < 0.3:
                p = f"docs/{rng.choice(TEAMS)}/{word}-{rng.choice(fw)}.md"
            elif r < 0.45:
                p = f"docs/{word}-{rng.choice(fw)}.md"
            elif r < 0.6:
                p = f"docs/api/{rng.choice(MODULE_WORDS)}/{word}.md"
            elif r < 0.7:
                p = f"docs/runbooks/{rng.choice(TEAMS)}-{word}.md"
            elif r < 0.85:
                p = f"docs/adr/{rng.randrange(2019, 2026)}/{rng.randrange(1, 400):04d}-{word}.md"
            else:
                p = f"docs/assets/{word}{rng.randrange(100)}.png"
        elif kind == "infra":
            r = rng.random()
            if r < 0.7:
                p = f"infra/terraform/{rng.choice(envs)}/{rng.choice(TEAMS)}/{rng.choice(fw)}.tf"
            elif r < 0.8:
                p = f"infra/terraform/{rng.choice(envs)}/{rng.choice(TEAMS)}/terraform.tfvars"
            else:
                p = f"infra/k8s/{rng.choice(['base', 'overlays/prod', 'overlays/dev'])}/{rng.choice(TEAMS)}-{rng.choice(fw)}.yaml"
        elif kind == "platform":
            p = rng.choice([
                "package.json", "package-lock.json", "go.mod", "go.sum", "Cargo.toml", "Makefile",
                "WORKSPACE", ".bazelrc", "README.md", "CHANGELOG.md", "LICENSE", ".gitignore",
                ".github/CODEOWNERS", ".github/dependabot.yml", f".github/workflows/ci-{rng.choice(TEAMS)}.yml",
                f".github/workflows/deploy-{rng.choice(TEAMS)}.yml", f".github/ISSUE_TEMPLATE/{rng.choice(fw)}.md",
                f"tools/{rng.choice(['lint', 'gen', 'bench', 'release'])}/{fname(rng.choice(['go', 'py']))}",
                f"scripts/{rng.choice(fw)}-{rng.choice(fw)}.sh", f"scripts/release/{rng.choice(fw)}.sh",
                f"scripts/{rng.choice(fw)}/{rng.choice(fw)}.sh",
            ])
        elif kind == "third_party":
            v = rng.choice(vendors)
            p = rng.choice([f"third_party/{v}/LICENSE", f"third_party/{v}/BUILD.bazel", "third_party/README.md",
                            f"third_party/{v}/" + inner(rng.randrange(0, 3)) + rng.choice(fw)
                            + rng.choice([".c", ".h", ".cc", ".js", ".go", ".py"])])
        elif kind == "unowned":
            r = rng.random()
            ext = rng.choice([".txt", ".json", ".png", ".c", ".h", ".csv", ".lock", ".toml", ".xml", ".go", ".ts"])
            if r < 0.4:
                p = f"experimental/{rng.choice(users)}/" + inner(rng.randrange(0, 3)) + rng.choice(fw) + ext
            elif r < 0.7:
                p = f"sandbox/{rng.choice(fw)}-{rng.choice(fw)}/" + inner(rng.randrange(0, 2)) + rng.choice(fw) + ext
            else:
                p = f"archive/{rng.randrange(2015, 2022)}/{rng.choice(MODULE_WORDS)}/" + rng.choice(fw) + ext
        else:  # special file names deep in the tree
            t = rng.choice(teams_with_modules)
            m, _ = rng.choice(modules[t])
            p = f"apps/{t}/{m}/" + inner(rng.randrange(0, 3)) + rng.choice(SPECIAL_FILES + ["security/policy.yaml",
                                                                                          "testdata/golden.json"])
        if p in seen:
            continue
        seen.add(p)
        kinds[kind] = kinds.get(kind, 0) + 1
        out.write(p + "\n")
    return kinds


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output directory (created if absent)")
    ap.add_argument("--rules", type=int, default=5000, help="number of rules (default 5000)")
    ap.add_argument("--paths", type=int, default=1_000_000, help="number of paths (default 1000000)")
    ap.add_argument("--seed", type=int, default=20240611, help="random seed (default 20240611)")
    ap.add_argument("--dialect", choices=["github", "gitlab"], default="github",
                    help="CODEOWNERS syntax (default github)")
    a = ap.parse_args()
    if a.paths < 1:
        sys.exit("--paths must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    users, head, team_rules, tail, modules, unlisted = build(rng, a.rules)
    co_path = os.path.join(a.out, "CODEOWNERS")
    with open(co_path, "w", newline="\n") as f:
        (write_github if a.dialect == "github" else write_gitlab)(head, team_rules, tail, f)
    # Paths come from their own stream, so they are the same for both dialects.
    prng = random.Random(f"{a.seed}/paths")
    paths_path = os.path.join(a.out, "paths.txt")
    with open(paths_path, "w", newline="\n") as f:
        path_kinds = gen_paths(prng, a.paths, users, modules, unlisted, f)
    all_rules = head + [r for t in TEAMS for r in team_rules[t]] + tail
    rule_kinds = {}
    for r in all_rules:
        rule_kinds[r.kind] = rule_kinds.get(r.kind, 0) + 1
    manifest = {
        "generator": "benches/codeowners_gen.py", "dialect": a.dialect, "seed": a.seed,
        "rules": len(all_rules), "paths": a.paths,
        "teams": len(TEAMS), "modules": sum(len(v) for v in modules.values()),
        "rule_kinds": dict(sorted(rule_kinds.items())),
        "rules_with_inline_comment": sum(1 for r in all_rules if r.comment),
        "path_kinds": dict(sorted(path_kinds.items())),
        "codeowners_bytes": os.path.getsize(co_path), "paths_bytes": os.path.getsize(paths_path),
        "codeowners_sha256": sha256(co_path), "paths_sha256": sha256(paths_path),
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"{co_path}: {len(all_rules)} rules ({a.dialect}), {manifest['codeowners_bytes']} bytes; "
          f"{paths_path}: {a.paths} paths, {manifest['paths_bytes']} bytes")


if __name__ == "__main__":
    main()
