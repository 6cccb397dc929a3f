#!/usr/bin/env python3
"""Generate an SFDX project whose call graph is ONE cycle through an interface with N implementations.

    python3 benches/gen_interface_cycle.py --impls 1000 /tmp/sfci-cycle-1000
    python3 benches/gen_interface_cycle.py --impls 250 --seed 7 --force /tmp/cycle

Growth benchmark input for `lint-callout-mocks` (issue 12, benches/lint_growth.sh). Standard
library only; deterministic: the same --impls and --seed give byte-identical output.

What it writes (force-app/main/default/...):
  * `IStep` (interface: `name()`, `run(StepContext)`) and N implementations `Step<i>`. Every
    `run()` calls `IStep.run` again: about half through a field (`private IStep next`), the other
    half on what `StepFactory.create(name)` returns (an `IStep`, built with `Type.forName`). Under
    class-hierarchy analysis each call reaches all N implementations, so the N `run()` methods form
    one strongly connected component with about N^2 call edges.
  * Some implementations send an HTTP request (`Http.send`, Named Credential, setTimeout); some call
    an `@future(callout=true)` method that does; some enqueue one of the `StepJob<k>` Queueables
    (`Database.AllowsCallouts`), which runs a step and re-enqueues itself; some `insert` a
    `Step_Record__c`, whose trigger handler `update`s the same object (the trigger fires again) and
    runs a step; some query with SOQL.
  * Test classes `Step<i>Test` for a sample of implementations: methods that set
    `Test.setMock(HttpCalloutMock.class, new StepHttpMock(...))` first and methods that set no
    mock, calling a step directly, enqueuing a job between `Test.startTest()` and
    `Test.stopTest()`, or inserting a `Step_Record__c` (reaches the callouts only through the
    trigger, i.e. only for a tool with DML -> trigger edges). Some use `@TestSetup`.
  * `StepContext`, `StepFactory`, `StepException`, `StepHttpMock`, the trigger and its handler,
    the custom object `Step_Record__c` with its fields, `sfdx-project.json`, `.forceignore`.

`<out>/cycle-manifest.json` records the counts: implementations by feature, classes, test methods,
and the test methods without a mock (`direct` ones reach a callout through method calls; `dml_only`
ones only through DML -> trigger).
"""
import argparse
import json
import os
import random
import sys

API = "61.0"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
MD_NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'
BASE = "force-app/main/default"


def meta(kind, extra=""):
    return (XML_HEAD + "<%s %s>\n    <apiVersion>%s</apiVersion>\n%s    <status>Active</status>\n</%s>\n"
            % (kind, MD_NS, API, extra, kind))


class Writer:
    def __init__(self, out):
        self.out = out
        self.files = 0
        self.bytes = 0
        self.classes = 0

    def put(self, rel, text):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.files += 1
        self.bytes += len(text.encode("utf-8"))

    def cls(self, name, body):
        self.put("%s/classes/%s.cls" % (BASE, name), body)
        self.put("%s/classes/%s.cls-meta.xml" % (BASE, name), meta("ApexClass"))
        self.classes += 1


def step_name(i, width):
    return "Step%0*d" % (width, i)


def gen_impl(i, n, width, feat, jobs):
    name = step_name(i, width)
    via_field = feat["field"]
    lines = []
    implements = "IStep"
    lines.append("/**")
    lines.append(" * Step %d of %d in the processing pipeline. Generated for the interface-cycle benchmark." % (i, n))
    lines.append(" */")
    lines.append("public with sharing class %s implements %s {" % (name, implements))
    lines.append("    private static final String STEP_NAME = '%s';" % name)
    if via_field:
        lines.append("    private IStep next;")
        lines.append("")
        lines.append("    public %s() {}" % name)
        lines.append("")
        lines.append("    public %s(IStep next) {" % name)
        lines.append("        this.next = next;")
        lines.append("    }")
    lines.append("")
    lines.append("    public String name() {")
    lines.append("        return STEP_NAME;")
    lines.append("    }")
    lines.append("")
    lines.append("    public void run(StepContext ctx) {")
    lines.append("        if (!ctx.descend(STEP_NAME)) {")
    lines.append("            return;")
    lines.append("        }")
    if feat["soql"]:
        lines.append("        List<Step_Record__c> recent = [")
        lines.append("            SELECT Id, Name, Status__c, Depth__c")
        lines.append("            FROM Step_Record__c")
        lines.append("            WHERE Step__c = :STEP_NAME")
        lines.append("            WITH USER_MODE")
        lines.append("            ORDER BY CreatedDate DESC")
        lines.append("            LIMIT 5")
        lines.append("        ];")
        lines.append("        ctx.values.put(STEP_NAME + '.recent', recent.size());")
    if feat["callout"]:
        lines.append("        ctx.values.put(STEP_NAME, send(ctx));")
    if feat["future"]:
        lines.append("        notifyAsync(STEP_NAME, ctx.depth);")
    if feat["enqueue"] is not None:
        lines.append("        if (ctx.depth < ctx.maxDepth) {")
        lines.append("            Id jobId = System.enqueueJob(new %s(STEP_NAME, ctx.depth + 1));" % feat["enqueue"])
        lines.append("            ctx.values.put(STEP_NAME + '.job', jobId);")
        lines.append("        }")
    if feat["dml"]:
        lines.append("        Step_Record__c rec = new Step_Record__c(")
        lines.append("            Name = STEP_NAME + '-' + ctx.depth,")
        lines.append("            Step__c = STEP_NAME,")
        lines.append("            Depth__c = ctx.depth,")
        lines.append("            Status__c = 'New'")
        lines.append("        );")
        lines.append("        insert rec;")
    # The cycle: one IStep.run call per implementation, through a field or the factory.
    if via_field:
        lines.append("        if (next == null) {")
        lines.append("            next = StepFactory.create(ctx.nextName(%d));" % feat["fanout"])
        lines.append("        }")
        lines.append("        next.run(ctx);")
    else:
        lines.append("        IStep following = StepFactory.create(ctx.nextName(%d));" % feat["fanout"])
        lines.append("        if (following != null) {")
        lines.append("            following.run(ctx);")
        lines.append("        }")
    lines.append("    }")
    if feat["callout"]:
        lines.append("")
        lines.append("    private String send(StepContext ctx) {")
        lines.append("        HttpRequest req = new HttpRequest();")
        lines.append("        req.setEndpoint('callout:Step_Service/steps/' + EncodingUtil.urlEncode(STEP_NAME, 'UTF-8'));")
        lines.append("        req.setMethod('POST');")
        lines.append("        req.setHeader('Content-Type', 'application/json');")
        lines.append("        req.setTimeout(%d);" % feat["timeout"])
        lines.append("        req.setBody(JSON.serialize(new Map<String, Object>{ 'step' => STEP_NAME, 'depth' => ctx.depth }));")
        lines.append("        HttpResponse res = new Http().send(req);")
        lines.append("        if (res.getStatusCode() >= 300) {")
        lines.append("            throw new StepException(STEP_NAME + ' failed: ' + res.getStatus());")
        lines.append("        }")
        lines.append("        return res.getBody();")
        lines.append("    }")
    if feat["future"]:
        lines.append("")
        lines.append("    @future(callout=true)")
        lines.append("    private static void notifyAsync(String stepName, Integer depth) {")
        lines.append("        HttpRequest req = new HttpRequest();")
        lines.append("        req.setEndpoint('callout:Step_Service/notifications');")
        lines.append("        req.setMethod('POST');")
        lines.append("        req.setTimeout(10000);")
        lines.append("        req.setBody('{\"step\":\"' + stepName + '\",\"depth\":' + depth + '}');")
        lines.append("        new Http().send(req);")
        lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def gen_job(k, width):
    name = "StepJob%d" % k
    return "\n".join([
        "/** Runs one step asynchronously, then re-enqueues itself for the next one. */",
        "public with sharing class %s implements Queueable, Database.AllowsCallouts {" % name,
        "    private final String stepName;",
        "    private final Integer depth;",
        "",
        "    public %s(String stepName, Integer depth) {" % name,
        "        this.stepName = stepName;",
        "        this.depth = depth;",
        "    }",
        "",
        "    public void execute(QueueableContext qc) {",
        "        StepContext ctx = new StepContext();",
        "        ctx.depth = depth;",
        "        IStep step = StepFactory.create(stepName);",
        "        step.run(ctx);",
        "        if (depth < ctx.maxDepth && Limits.getQueueableJobs() < Limits.getLimitQueueableJobs()) {",
        "            System.enqueueJob(new %s(ctx.nextName(%d), depth + 1));" % (name, k + 1),
        "        }",
        "    }",
        "}",
    ]) + "\n"


def gen_test(i, width, methods, jobs):
    """methods: list of (kind, mocked) with kind in direct|job|dml."""
    name = step_name(i, width)
    tname = name + "Test"
    lines = ["@IsTest", "private class %s {" % tname]
    if any(kind == "dml" for kind, _ in methods):
        lines += [
            "    @TestSetup",
            "    static void makeData() {",
            "        Account acc = new Account(Name = 'Step test account');",
            "        insert acc;",
            "    }",
            "",
        ]
    for m, (kind, mocked) in enumerate(methods):
        mname = "%s%s%d" % ({"direct": "runs", "job": "runsQueued", "dml": "runsFromTrigger"}[kind],
                             "WithMock" if mocked else "", m)
        lines.append("    @IsTest")
        lines.append("    static void %s() {" % mname)
        if mocked:
            if m % 2 == 0:
                lines.append("        Test.setMock(HttpCalloutMock.class, new StepHttpMock(200, '{\"ok\":true}'));")
            else:
                lines.append("        StepHttpMock mock = new StepHttpMock(201, '{\"id\":\"a01\"}');")
                lines.append("        Test.setMock(")
                lines.append("            HttpCalloutMock.class,")
                lines.append("            mock")
                lines.append("        );")
        if kind == "direct":
            lines.append("        StepContext ctx = new StepContext();")
            lines.append("        ctx.maxDepth = 3;")
            lines.append("        Test.startTest();")
            lines.append("        new %s().run(ctx);" % name)
            lines.append("        Test.stopTest();")
            lines.append("        Assert.isTrue(ctx.path.contains('%s'), 'the step ran');" % name)
        elif kind == "job":
            job = "StepJob%d" % (i % jobs)
            lines.append("        Test.startTest();")
            lines.append("        Id jobId = System.enqueueJob(new %s('%s', 0));" % (job, name))
            lines.append("        Test.stopTest();")
            lines.append("        AsyncApexJob j = [SELECT Status FROM AsyncApexJob WHERE Id = :jobId];")
            lines.append("        Assert.areEqual('Completed', j.Status, 'the job ran');")
        else:
            lines.append("        Step_Record__c rec = new Step_Record__c(Name = 'from test', Step__c = '%s', Status__c = 'New');" % name)
            lines.append("        Test.startTest();")
            lines.append("        insert rec;")
            lines.append("        Test.stopTest();")
            lines.append("        rec = [SELECT Status__c FROM Step_Record__c WHERE Id = :rec.Id];")
            lines.append("        Assert.areEqual('Queued', rec.Status__c, 'the trigger ran');")
        lines.append("    }")
        lines.append("")
    lines[-1:] = ["}"]
    return "\n".join(lines) + "\n"


FIXED = {
    "IStep": """/** One step of the processing pipeline; implementations chain to the next step. */
public interface IStep {
    String name();
    void run(StepContext ctx);
}
""",
    "StepException": """public with sharing class StepException extends Exception {}
""",
    "StepFactory": """/** Builds steps by class name; tests can replace every step with a stub. */
public with sharing class StepFactory {
    private static final Map<String, IStep> CACHE = new Map<String, IStep>();
    @TestVisible
    private static IStep stub;

    public static IStep create(String className) {
        if (stub != null) {
            return stub;
        }
        IStep step = CACHE.get(className);
        if (step == null) {
            Type t = Type.forName(className);
            if (t == null) {
                throw new StepException('Unknown step: ' + className);
            }
            step = (IStep) t.newInstance();
            CACHE.put(className, step);
        }
        return step;
    }
}
""",
    "StepHttpMock": """@IsTest
public class StepHttpMock implements HttpCalloutMock {
    private final Integer status;
    private final String body;

    public StepHttpMock(Integer status, String body) {
        this.status = status;
        this.body = body;
    }

    public HttpResponse respond(HttpRequest req) {
        HttpResponse res = new HttpResponse();
        res.setStatusCode(status);
        res.setHeader('Content-Type', 'application/json');
        res.setBody(body);
        return res;
    }
}
""",
    "StepRecordTriggerHandler": """/** After insert marks new records Queued (an update of the same object: the trigger fires again);
 *  after update runs the record's step once. */
public with sharing class StepRecordTriggerHandler {
    private static Boolean running = false;

    public void afterInsert(List<Step_Record__c> records) {
        List<Step_Record__c> toUpdate = new List<Step_Record__c>();
        for (Step_Record__c r : records) {
            toUpdate.add(new Step_Record__c(Id = r.Id, Status__c = 'Queued'));
        }
        update toUpdate;
    }

    public void afterUpdate(List<Step_Record__c> records, Map<Id, Step_Record__c> oldMap) {
        if (running) {
            return;
        }
        running = true;
        try {
            for (Step_Record__c r : records) {
                Step_Record__c old = oldMap.get(r.Id);
                if (r.Status__c == 'Queued' && old.Status__c != 'Queued') {
                    StepContext ctx = new StepContext(r.Id);
                    StepFactory.create(r.Step__c).run(ctx);
                }
            }
        } finally {
            running = false;
        }
    }
}
""",
}

TRIGGER = """trigger StepRecordTrigger on Step_Record__c (after insert, after update) {
    StepRecordTriggerHandler handler = new StepRecordTriggerHandler();
    if (Trigger.isInsert) {
        handler.afterInsert(Trigger.new);
    } else if (Trigger.isUpdate) {
        handler.afterUpdate(Trigger.new, Trigger.oldMap);
    }
}
"""


def step_context(n, width):
    return """/** State carried along the pipeline. */
public with sharing class StepContext {
    public static final Integer STEP_COUNT = %d;
    public Integer depth = 0;
    public Integer maxDepth = 25;
    public Id recordId;
    public List<String> path = new List<String>();
    public Map<String, Object> values = new Map<String, Object>();

    public StepContext() {}

    public StepContext(Id recordId) {
        this.recordId = recordId;
    }

    public Boolean descend(String stepName) {
        if (depth >= maxDepth) {
            return false;
        }
        depth++;
        path.add(stepName);
        return true;
    }

    public String nextName(Integer fanout) {
        Integer next = Math.mod(depth * 31 + fanout, STEP_COUNT);
        return 'Step' + String.valueOf(next).leftPad(%d, '0');
    }
}
""" % (n, width)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--impls", type=int, default=1000, help="implementations of IStep (default 1000)")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--force", action="store_true", help="write into a non-empty directory")
    a = ap.parse_args()
    n = a.impls
    if n < 10:
        ap.error("--impls must be at least 10")
    if os.path.isdir(a.out) and os.listdir(a.out) and not a.force:
        ap.error("%s is not empty (use --force)" % a.out)
    rng = random.Random(a.seed)
    width = max(4, len(str(n - 1)))
    jobs = max(1, n // 50)
    w = Writer(a.out)

    w.put("sfdx-project.json", json.dumps({
        "packageDirectories": [{"path": "force-app", "default": True}],
        "name": "interface-cycle-%d" % n,
        "namespace": "",
        "sfdcLoginUrl": "https://login.salesforce.com",
        "sourceApiVersion": API,
    }, indent=2) + "\n")
    w.put(".forceignore", "**/jsconfig.json\n**/.eslintrc.json\n**/__tests__/**\n")

    counts = {"field": 0, "factory": 0, "callout": 0, "future": 0, "enqueue": 0, "dml": 0, "soql": 0}
    feats = []
    for i in range(n):
        f = {
            "field": rng.random() < 0.5,
            "callout": rng.random() < 0.2,
            "future": rng.random() < 0.06,
            "enqueue": ("StepJob%d" % rng.randrange(jobs)) if rng.random() < 0.12 else None,
            "dml": rng.random() < 0.08,
            "soql": rng.random() < 0.3,
            "fanout": rng.randrange(1, n),
            "timeout": rng.choice([5000, 10000, 20000, 30000]),
        }
        if i == 0:  # at least one of each, whatever the seed
            f.update(callout=True, future=True, enqueue="StepJob0", dml=True)
        feats.append(f)
        counts["field" if f["field"] else "factory"] += 1
        for k in ("callout", "future", "dml", "soql"):
            counts[k] += int(bool(f[k]))
        counts["enqueue"] += int(f["enqueue"] is not None)

    for name, body in sorted(FIXED.items()):
        w.cls(name, body)
    w.cls("StepContext", step_context(n, width))
    for k in range(jobs):
        w.cls("StepJob%d" % k, gen_job(k, width))
    for i in range(n):
        w.cls(step_name(i, width), gen_impl(i, n, width, feats[i], jobs))

    # Tests for every tenth implementation: 1-3 methods each, about 60 % of them with a mock.
    test_methods = 0
    unmocked = {"direct": 0, "job": 0, "dml_only": 0}
    mocked = 0
    test_classes = 0
    for i in range(0, n, 10):
        methods = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choices(["direct", "job", "dml"], weights=[6, 2, 2])[0]
            has_mock = rng.random() < 0.6
            methods.append((kind, has_mock))
            if has_mock:
                mocked += 1
            else:
                unmocked["dml_only" if kind == "dml" else kind] += 1
        test_methods += len(methods)
        test_classes += 1
        w.cls(step_name(i, width) + "Test", gen_test(i, width, methods, jobs))

    w.put("%s/triggers/StepRecordTrigger.trigger" % BASE, TRIGGER)
    w.put("%s/triggers/StepRecordTrigger.trigger-meta.xml" % BASE, meta("ApexTrigger"))
    obj = "%s/objects/Step_Record__c" % BASE
    w.put("%s/Step_Record__c.object-meta.xml" % obj, XML_HEAD + "\n".join([
        "<CustomObject %s>" % MD_NS,
        "    <deploymentStatus>Deployed</deploymentStatus>",
        "    <label>Step Record</label>",
        "    <nameField>",
        "        <label>Step Record Name</label>",
        "        <type>Text</type>",
        "    </nameField>",
        "    <pluralLabel>Step Records</pluralLabel>",
        "    <sharingModel>ReadWrite</sharingModel>",
        "</CustomObject>",
    ]) + "\n")
    for field, ftype, extra in (("Step__c", "Text", "    <length>80</length>\n"),
                                ("Status__c", "Text", "    <length>40</length>\n"),
                                ("Depth__c", "Number", "    <precision>4</precision>\n    <scale>0</scale>\n")):
        w.put("%s/fields/%s.field-meta.xml" % (obj, field), XML_HEAD
              + "<CustomField %s>\n    <fullName>%s</fullName>\n    <label>%s</label>\n%s    <type>%s</type>\n</CustomField>\n"
              % (MD_NS, field, field[:-3], extra, ftype))

    manifest = {
        "generator": "gen_interface_cycle.py",
        "options": {"impls": n, "seed": a.seed},
        "implementations": n,
        "implementation_features": counts,
        "queueable_jobs": jobs,
        "classes": w.classes,
        "triggers": 1,
        "test_classes": test_classes,
        "test_methods": test_methods,
        "test_methods_with_mock": mocked,
        "test_methods_without_mock": unmocked,
        "files": w.files,
        "bytes": w.bytes,
    }
    with open(os.path.join(a.out, "cycle-manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print("%d implementations, %d classes (%d test classes, %d test methods), %d files, %d bytes in %s"
          % (n, w.classes, test_classes, test_methods, w.files, w.bytes, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
