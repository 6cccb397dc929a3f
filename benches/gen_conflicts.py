#!/usr/bin/env python3
"""A monorepo with many open changes for `validate-deps --conflicts` (benches/conflicts_bench.sh).

TEAMS teams (`teamNN/main/default/…`), each with CLASSES Apex classes and its own section of
one shared Profile; BRANCHES branches per team (`teamNN/bK`), each one commit on `main`:

- every branch edits 3 of its team's classes, adds its own field to the shared object
  `Account` (in its team's folder) and edits its own lines of the shared Profile — the
  advisory overlap almost every real change has;
- branch b0 of team t also edits line 2 of `Service0` of team t+1, which that team's b0
  edits too: a component conflict and a text conflict per team;
- branch b1 of team t deletes `Legacy1` of team t, which branch b2 of team t+1 starts to
  reference: a broken reference per team.

Usage: gen_conflicts.py [--teams 50] [--branches 4] [--classes 40] DIR
"""
import argparse
import os
import subprocess


def sh(repo, *args, env=None):
    subprocess.run(["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                    "-c", "commit.gpgsign=false", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def cls(name, body=""):
    lines = [f"public with sharing class {name} {{"]
    for m in range(12):
        lines.append(f"    public static Integer m{m}(Integer x) {{ return x + {m}; }}")
    if body:
        lines.append(body)
    lines.append("}")
    return "\n".join(lines) + "\n"


META = ('<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        '    <apiVersion>61.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n')


def field(name):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n'
            f"    <fullName>{name}</fullName>\n    <label>{name}</label>\n    <type>Checkbox</type>\n"
            "    <defaultValue>false</defaultValue>\n</CustomField>\n")


def profile(teams, marks):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<Profile xmlns="http://soap.sforce.com/2006/04/metadata">']
    for t in range(teams):
        for c in range(4):
            name = f"T{t:02d}Service{c}"
            out += ["    <classAccesses>", f"        <apexClass>{name}</apexClass>",
                    f"        <enabled>{marks.get((t, c), 'true')}</enabled>", "    </classAccesses>"]
    out.append("</Profile>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--teams", type=int, default=50)
    ap.add_argument("--branches", type=int, default=4)
    ap.add_argument("--classes", type=int, default=40)
    ap.add_argument("dir")
    a = ap.parse_args()
    repo = a.dir
    os.makedirs(repo, exist_ok=True)
    team = lambda t: f"team{t:02d}/main/default"
    prof = "shared/main/default/profiles/Standard.profile-meta.xml"
    for t in range(a.teams):
        for c in range(a.classes):
            name = f"T{t:02d}Service{c}"
            write(f"{repo}/{team(t)}/classes/{name}.cls", cls(name))
            write(f"{repo}/{team(t)}/classes/{name}.cls-meta.xml", META)
        write(f"{repo}/{team(t)}/classes/T{t:02d}Legacy1.cls", cls(f"T{t:02d}Legacy1"))
        write(f"{repo}/{team(t)}/classes/T{t:02d}Legacy1.cls-meta.xml", META)
    write(f"{repo}/shared/main/default/objects/Account/Account.object-meta.xml",
          '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"/>\n')
    write(f"{repo}/{prof}", profile(a.teams, {}))
    sh(repo, "init", "-q", "-b", "main")
    sh(repo, "add", "-A")
    sh(repo, "commit", "-q", "-m", "base")
    when = 1_700_000_000
    for t in range(a.teams):
        nxt = (t + 1) % a.teams
        for k in range(a.branches):
            when += 60
            sh(repo, "checkout", "-q", "-b", f"team{t:02d}/b{k}", "main")
            for c in (3 * k, 3 * k + 1, 3 * k + 2):
                name = f"T{t:02d}Service{c % a.classes}"
                p = f"{repo}/{team(t)}/classes/{name}.cls"
                write(p, cls(name, f"    // change {k} of team {t}"))
            write(f"{repo}/{team(t)}/objects/Account/fields/T{t:02d}_B{k}__c.field-meta.xml",
                  field(f"T{t:02d}_B{k}__c"))
            write(f"{repo}/{prof}", profile(a.teams, {(t, k % 4): "false"}))
            if k == 0:
                for tt in (t, nxt):
                    name = f"T{tt:02d}Service0"
                    p = f"{repo}/{team(tt)}/classes/{name}.cls"
                    text = open(p).read().split("\n")
                    text[1] = f"    public static Integer m0(Integer x) {{ return x * {t + 2}; }}"
                    write(p, "\n".join(text))
            if k == 1:
                for suffix in (".cls", ".cls-meta.xml"):
                    os.remove(f"{repo}/{team(t)}/classes/T{t:02d}Legacy1{suffix}")
            if k == 2:
                prev = (t - 1) % a.teams
                name = f"T{t:02d}Service{a.classes - 1}"
                write(f"{repo}/{team(t)}/classes/{name}.cls",
                      cls(name, f"    public static Integer legacy() {{ return T{prev:02d}Legacy1.m1(1); }}"))
            sh(repo, "add", "-A")
            env = dict(os.environ, GIT_AUTHOR_DATE=f"@{when} +0000", GIT_COMMITTER_DATE=f"@{when} +0000")
            sh(repo, "commit", "-q", "-m", f"team {t} change {k}", env=env)
    sh(repo, "checkout", "-q", "main")


if __name__ == "__main__":
    main()
