#!/usr/bin/env python3
"""Generate a synthetic Salesforce DX monorepo of realistic Apex for benchmarking.

    python3 benches/gen_corpus.py /tmp/sfci-corpus-10k            # 10,000 classes, ~100 MB
    python3 benches/gen_corpus.py --classes 2000 --seed 7 /tmp/c2k

Deterministic: the same --classes and --seed give byte-identical output.
Standard library only.

Layout: ~20 team package directories (`<team>/main/default/classes/*.cls` + `-meta.xml`), each
made of modules in the fflib style -- an `I<M>Service` interface, its `<M>Service`
implementation, a `<M>Selector` (SOQL), a `<M>Client` (HTTP callouts), a `<M>SyncJob`
Queueable with `Database.AllowsCallouts`, a `<M>Controller` (@AuraEnabled, inner wrapper
classes) -- and three test classes per module (a third of all classes are tests). Services
reach other modules' services through `<Team>Application.newInstance(I<X>Service.class)`, so
callout chains cross classes and go through interfaces.

Seeded problems, counted exactly and written to `<out>/corpus-manifest.json`:
  * callout-without-mock: test methods that reach a callout with no mock, with the mock only
    in a comment, or with the mock set after a synchronous callout;
  * callout-without-timeout: sends without setTimeout (some carry a valid sfci-ignore instead,
    those are not counted);
  * hardcoded-endpoint: literal https:// endpoints and endpoints through a static final constant.
The counts assume type-based call resolution with class-hierarchy analysis (issue 2).

Unless --no-metadata is given, the corpus also gets the metadata that references the Apex (for the
validate-deps benchmark), in proportions a real org has: an LWC or two per module (about one per
five classes), an Aura bundle or a Visualforce page for every fourth module, a record-triggered Flow
for every other one, FlexiPages, permission sets, a few profiles, custom objects and fields for the
most used entities, custom labels and static resources. Many of these references cross teams. The
metadata uses its own random stream, so the Apex part stays byte-identical either way. The manifest
gets a "metadata" section, which counts the references written into non-Apex files.
"""
import argparse
import json
import os
import random
import sys

API_VERSION = "61.0"

TEAMS = [
    ("sales", "Sales"), ("service", "Service"), ("billing", "Billing"), ("marketing", "Mktg"),
    ("commerce", "Commerce"), ("partner-relations", "Partner"), ("field-service", "Field"),
    ("cpq", "Cpq"), ("finance", "Finance"), ("hr", "Hr"), ("legal", "Legal"),
    ("logistics", "Logistics"), ("procurement", "Procure"), ("analytics", "Analytics"),
    ("identity", "Identity"), ("integrations", "Integ"), ("loyalty", "Loyalty"),
    ("compliance", "Compliance"), ("quality", "Quality"),
]
SHARED = "shared"

ENTITIES = [
    "Invoice", "Shipment", "Contract", "Quote", "Order", "Subscription", "Asset", "Claim",
    "Policy", "Ticket", "Visit", "Warranty", "Refund", "Payment", "Campaign", "Territory",
    "Forecast", "Entitlement", "WorkOrder", "Appointment", "Inventory", "Supplier", "Timesheet",
    "Expense", "Approval", "Document", "Consent", "Membership", "Reward", "Voucher", "Booking",
    "Route", "Delivery", "Return", "Survey", "Article", "Product", "Discount", "TaxRate",
    "Ledger", "Journal", "Budget", "Project", "Milestone", "Training", "Candidate", "Position",
    "Review", "Risk", "Audit", "Incident", "Lease", "Meter", "Reading", "Vendor", "Rebate",
    "Bundle", "License", "Device", "Site", "Permit", "Sample", "Lot", "Batch", "Carrier",
    "Dock", "Pallet", "Tariff", "Credit", "Dispute",
]

# field name -> Apex type
FIELDS = {
    "Status__c": "String", "Amount__c": "Decimal", "External_Id__c": "String",
    "Last_Synced_At__c": "Datetime", "Region__c": "String", "Priority__c": "String",
    "Description__c": "String", "Due_Date__c": "Date", "Quantity__c": "Decimal",
    "Owner_Email__c": "String", "Currency__c": "String", "Is_Active__c": "Boolean",
    "Category__c": "String", "Score__c": "Decimal", "Reference__c": "String",
    "Source_System__c": "String", "Retry_Count__c": "Decimal", "Error_Message__c": "String",
}
EXTRA_FIELDS = [f for f in FIELDS if f not in ("Status__c", "Amount__c", "External_Id__c",
                                               "Last_Synced_At__c", "Description__c")]
STATUSES = ["New", "Ready", "In Progress", "On Hold", "Synced", "Failed", "Closed"]
REGIONS = ["EMEA", "NA", "LATAM", "APAC", "DACH", "Nordics"]
VERBS = ["Reconcile", "Escalate", "Archive", "Recalculate", "Enrich", "Normalize", "Rebalance",
         "Allocate", "Consolidate", "Classify", "Expire", "Renew", "Score", "Route", "Dedupe"]
REASONS = ["vendor SDK enforces 5 s", "gateway closes idle sockets after 8 s",
           "mainframe adapter times out on its side (OPS-1182)",
           "fire-and-forget audit ping, failure is tolerated"]
HOSTS = ["api.partner-hub.example.com", "erp.acme-corp.com", "gateway.example.net",
         "legacy-crm.acme-corp.internal", "billing.example.org", "hooks.example.io"]


def meta_xml(kind="ApexClass", version=API_VERSION):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{kind} xmlns="http://soap.sforce.com/2006/04/metadata">\n'
            f'    <apiVersion>{version}</apiVersion>\n'
            '    <status>Active</status>\n'
            f'</{kind}>\n')


class Writer:
    """Indentation-aware line buffer; size() is the byte size of text()."""

    def __init__(self):
        self.lines = []
        self.ind = 0
        self.nbytes = 0

    def l(self, s=""):
        line = ("    " * self.ind + s) if s else ""
        self.lines.append(line)
        self.nbytes += len(line) + 1

    def block(self, text):
        for line in text.split("\n"):
            self.l(line)

    def open(self, s):
        self.l(s + " {")
        self.ind += 1

    def close(self, s="}"):
        self.ind -= 1
        self.l(s)

    def text(self):
        return "\n".join(self.lines) + "\n"

    def size(self):
        return self.nbytes


class Stats:
    def __init__(self):
        self.mock = 0
        self.timeout = 0
        self.endpoint = 0
        self.suppressed_timeout = 0
        self.callout_tests = 0


def sample_value(r, field, ftype, i=0):
    if ftype == "String":
        if field == "Status__c":
            return "'%s'" % r.choice(STATUSES)
        if field == "Region__c":
            return "'%s'" % r.choice(REGIONS)
        if field == "Owner_Email__c":
            return "'owner%d@example.org'" % i
        return "'%s-%d'" % (field.replace("__c", "").replace("_", " ").title().replace(" ", ""), i)
    if ftype == "Decimal":
        return "%d.%02d" % (r.randint(1, 99999), r.randint(0, 99))
    if ftype == "Date":
        return "Date.today().addDays(%d)" % r.randint(-30, 90)
    if ftype == "Datetime":
        return "System.now().addHours(-%d)" % r.randint(1, 72)
    if ftype == "Boolean":
        return r.choice(["true", "false"])
    return "0"


class Module:
    def __init__(self, team_dir, team_prefix, entity, name, r):
        self.team_dir = team_dir
        self.team_prefix = team_prefix
        self.entity = entity
        self.name = name
        self.obj = entity + "__c"
        self.fields = ["Status__c", "Amount__c", "External_Id__c", "Last_Synced_At__c",
                       "Description__c"] + r.sample(EXTRA_FIELDS, r.randint(3, 7))
        self.dep = None              # Module whose service process() calls (cross-module chain)
        self.selector_fillers = []   # (method name, kind) of selector methods tests can call
        self.nc = "%s_%s" % (team_prefix, entity)

    @property
    def iface(self):
        return "I%sService" % self.name


# --------------------------------------------------------------------------------------------
# filler methods: realistic bodies that make up most of the bytes
# --------------------------------------------------------------------------------------------

def apexdoc(w, desc, params=(), ret=None):
    w.l("/**")
    w.l(" * @description " + desc)
    for p, d in params:
        w.l(" * @param %s %s" % (p, d))
    if ret:
        w.l(" * @return " + ret)
    w.l(" */")


def filler_query(w, m, r, k):
    f1, f2 = r.sample(m.fields[5:], 2)
    name = "selectBy%s%d" % (f1.replace("__c", "").replace("_", ""), k)
    apexdoc(w, "Returns %s records with the given %s values, most recently changed first."
            % (m.entity, f1.replace("__c", "").replace("_", " ").lower()),
            [("values", "values to match"), ("maxRows", "upper bound on the rows returned")],
            "matching records")
    w.open("public List<%s> %s(Set<String> values, Integer maxRows)" % (m.obj, name))
    w.l("return [")
    w.ind += 1
    w.l("SELECT Id, Name, %s, CreatedDate, LastModifiedDate, Owner.Name" % ", ".join(m.fields[:6]))
    w.l("FROM %s" % m.obj)
    w.l("WHERE %s IN :values" % (f1 if FIELDS[f1] == "String" else "Status__c"))
    w.l("    AND LastModifiedDate = LAST_N_DAYS:%d" % r.choice([7, 30, 90, 365]))
    if r.random() < 0.5:
        w.l("    AND %s != null" % f2)
    w.l("WITH USER_MODE")
    w.l("ORDER BY LastModifiedDate DESC NULLS LAST")
    w.l("LIMIT :maxRows")
    w.ind -= 1
    w.l("];")
    w.close()
    w.l()
    return name, "query"


def filler_aggregate(w, m, r, k):
    name = "totalsByRegion%d" % k
    apexdoc(w, "Sums Amount__c per region for open %s records." % m.entity, [], "region -> total")
    w.open("public Map<String, Decimal> %s()" % name)
    w.l("Map<String, Decimal> totals = new Map<String, Decimal>();")
    w.l("for (AggregateResult ar : [")
    w.l("    SELECT Region__c region, SUM(Amount__c) total, COUNT(Id) cnt")
    w.l("    FROM %s" % m.obj)
    w.l("    WHERE Status__c NOT IN ('Closed', 'Failed')")
    w.l("    GROUP BY Region__c")
    w.l("    HAVING COUNT(Id) > %d" % r.randint(0, 5))
    w.open("])")
    w.l("String region = (String) ar.get('region');")
    w.l("totals.put(region == null ? 'UNASSIGNED' : region, (Decimal) ar.get('total'));")
    w.close()
    w.l("return totals;")
    w.close()
    w.l()
    return name, "aggregate"


def filler_dynamic(w, m, r, k):
    name = "search%d" % k
    apexdoc(w, "Free-text search over %s names; the term is escaped before it reaches SOQL."
            % m.entity, [("term", "user input"), ("onlyActive", "restrict to active rows")],
            "up to 50 records")
    w.open("public List<%s> %s(String term, Boolean onlyActive)" % (m.obj, name))
    w.l("String soql = 'SELECT Id, Name, %s FROM %s WHERE Name LIKE \\'%%' + String.escapeSingleQuotes(term) + '%%\\'';"
        % (", ".join(m.fields[:4]), m.obj))
    w.open("if (onlyActive == true)")
    w.l("soql += ' AND Status__c != \\'Closed\\'';")
    w.close()
    w.l("soql += ' ORDER BY Name LIMIT 50';")
    w.l("return (List<%s>) Database.query(soql, AccessLevel.USER_MODE);" % m.obj)
    w.close()
    w.l()
    return name, "dynamic"


def filler_group(w, m, r, k):
    name = "groupByOwner%d" % k
    apexdoc(w, "Groups %s records by owner so notifications can be batched per user." % m.entity,
            [("records", "records to group")], "owner id -> records")
    w.open("public static Map<Id, List<%s>> %s(List<%s> records)" % (m.obj, name, m.obj))
    w.l("Map<Id, List<%s>> byOwner = new Map<Id, List<%s>>();" % (m.obj, m.obj))
    w.open("for (%s rec : records)" % m.obj)
    w.open("if (!byOwner.containsKey(rec.OwnerId))")
    w.l("byOwner.put(rec.OwnerId, new List<%s>());" % m.obj)
    w.close()
    w.l("byOwner.get(rec.OwnerId).add(rec);")
    w.close()
    w.l("// Largest groups first: the notification job works through them in this order.")
    w.l("List<Id> owners = new List<Id>(byOwner.keySet());")
    w.l("owners.sort();")
    w.l("Map<Id, List<%s>> ordered = new Map<Id, List<%s>>();" % (m.obj, m.obj))
    w.open("for (Id ownerId : owners)")
    w.l("ordered.put(ownerId, byOwner.get(ownerId));")
    w.close()
    w.l("return ordered;")
    w.close()
    w.l()
    return name, "group"


def filler_validate(w, m, r, k):
    name = "validate%d" % k
    apexdoc(w, "Business rules for %s records; returns one message per violation." % m.entity,
            [("records", "records to check")], "violations, empty when valid")
    w.open("public List<String> %s(List<%s> records)" % (name, m.obj))
    w.l("List<String> errors = new List<String>();")
    w.open("for (%s rec : records)" % m.obj)
    w.open("if (String.isBlank(rec.Name))")
    w.l("errors.add('Record ' + rec.Id + ' has no name');")
    w.close()
    w.open("if (rec.Amount__c != null && rec.Amount__c < 0)")
    w.l("errors.add(String.format('Amount {0} on {1} must not be negative', new List<Object>{ rec.Amount__c, rec.Name }));")
    w.close()
    for f in r.sample(m.fields[5:], min(3, len(m.fields) - 5)):
        t = FIELDS[f]
        label = f.replace("__c", "").replace("_", " ")
        if t == "String":
            w.open("if (rec.%s != null && rec.%s.length() > %d)" % (f, f, r.choice([80, 120, 255])))
            w.l("errors.add('%s on ' + rec.Name + ' is too long (' + rec.%s.length() + ' chars)');" % (label, f))
        elif t == "Decimal":
            w.open("if (rec.%s != null && rec.%s > %d)" % (f, f, r.randint(100, 100000)))
            w.l("errors.add('%s exceeds the approved limit on ' + rec.Name);" % label)
        elif t == "Date":
            w.open("if (rec.%s != null && rec.%s < Date.today().addYears(-1))" % (f, f))
            w.l("errors.add('%s is more than a year in the past: ' + rec.%s.format());" % (label, f))
        elif t == "Datetime":
            w.open("if (rec.%s != null && rec.%s > System.now())" % (f, f))
            w.l("errors.add('%s cannot be in the future');" % label)
        else:
            w.open("if (rec.%s == true && rec.Status__c == 'Closed')" % f)
            w.l("errors.add('A closed record cannot be %s');" % label.lower())
        w.close()
    w.close()
    w.l("return errors;")
    w.close()
    w.l()
    return name, "validate"


def filler_payload(w, m, r, k):
    name = "toPayload%d" % k
    apexdoc(w, "Serialises %s records into the integration envelope (schema v%d)."
            % (m.entity, r.randint(1, 4)), [("records", "records to send")], "JSON text")
    w.open("public static String %s(List<%s> records)" % (name, m.obj))
    w.l("List<Map<String, Object>> rows = new List<Map<String, Object>>();")
    w.open("for (%s rec : records)" % m.obj)
    w.l("rows.add(new Map<String, Object>{")
    w.ind += 1
    w.l("'id' => rec.Id,")
    w.l("'name' => rec.Name,")
    chosen = r.sample(m.fields, r.randint(3, len(m.fields)))
    for i, f in enumerate(chosen):
        w.l("'%s' => rec.%s%s" % (f[0].lower() + f[1:].replace("__c", "").replace("_", ""), f,
                                 "," if i < len(chosen) - 1 else ""))
    w.ind -= 1
    w.l("});")
    w.close()
    w.l("return JSON.serialize(new Map<String, Object>{")
    w.l("    'schema' => '%s/v%d'," % (m.entity.lower(), r.randint(1, 4)))
    w.l("    'source' => 'salesforce:' + UserInfo.getOrganizationId(),")
    w.l("    'generatedAt' => System.now(),")
    w.l("    'items' => rows")
    w.l("});")
    w.close()
    w.l()
    return name, "payload"


def filler_switch(w, m, r, k):
    name = "weightOf%d" % k
    apexdoc(w, "Maps a priority label to the weight used by the routing engine.",
            [("priority", "picklist value")], "weight, 10 when unknown")
    w.open("public static Integer %s(String priority)" % name)
    w.open("switch on priority")
    w.open("when 'Critical'")
    w.l("return %d;" % r.choice([100, 90, 120]))
    w.close()
    w.open("when 'High', 'Urgent'")
    w.l("return %d;" % r.choice([50, 60, 70]))
    w.close()
    w.open("when null")
    w.l("return 0;")
    w.close()
    w.open("when else")
    w.l("return 10;")
    w.close()
    w.close()
    w.close()
    w.l()
    return name, "switch"


def filler_dml(w, m, r, k):
    name = "mark%s%d" % (r.choice(VERBS), k)
    apexdoc(w, "Updates the status and reports partial failures instead of throwing.",
            [("records", "records to update")], "number of rows saved")
    w.open("public Integer %s(List<%s> records)" % (name, m.obj))
    w.open("for (%s rec : records)" % m.obj)
    w.l("rec.Status__c = '%s';" % r.choice(STATUSES))
    w.l("rec.Error_Message__c = null;" if "Error_Message__c" in m.fields else "rec.Description__c = null;")
    w.close()
    w.l("Database.SaveResult[] results = Database.update(records, false, AccessLevel.USER_MODE);")
    w.l("Integer saved = 0;")
    w.open("for (Integer i = 0; i < results.size(); i++)")
    w.open("if (results[i].isSuccess())")
    w.l("saved++;")
    w.l("continue;")
    w.close()
    w.open("for (Database.Error err : results[i].getErrors())")
    w.l("Logger.warn('%s', records[i].Id + ': ' + err.getStatusCode() + ' ' + err.getMessage());" % m.name)
    w.close()
    w.close()
    w.l("return saved;")
    w.close()
    w.l()
    return name, "dml"


FILLERS = [filler_query, filler_aggregate, filler_dynamic, filler_group, filler_validate,
           filler_payload, filler_switch, filler_dml]


def fill(w, m, r, target, kinds=FILLERS, start=1):
    """Append filler methods until the class reaches `target` bytes; return their names."""
    made = []
    k = start
    while w.size() < target:
        made.append(r.choice(kinds)(w, m, r, k))
        k += 1
    return made


def class_header(w, text):
    w.l("/**")
    for line in text:
        w.l(" * " + line if line else " *")
    w.l(" */")


# --------------------------------------------------------------------------------------------
# module classes
# --------------------------------------------------------------------------------------------

def gen_interface(m, r):
    w = Writer()
    class_header(w, ["@description Service contract for %s (%s team)." % (m.entity, m.team_dir),
                     "Resolve implementations with %sApplication.newInstance(%s.class)." % (m.team_prefix, m.iface)])
    w.open("public interface %s" % m.iface)
    w.l("/** Pushes the given records to the system of record; returns the number synced. */")
    w.l("Integer sync(Set<Id> recordIds);")
    w.l("/** Re-reads one record from the system of record. */")
    w.l("%s refresh(Id recordId);" % m.obj)
    w.l("/** Applies business rules and downstream updates; returns the number processed. */")
    w.l("Integer process(Set<Id> recordIds);")
    w.l("/** Validation only, no side effects. */")
    w.l("List<String> validate(List<%s> records);" % m.obj)
    w.close()
    return w.text()


def gen_selector(m, r, target):
    w = Writer()
    class_header(w, ["@description Selector layer: every SOQL query on %s used by the %s team." % (m.obj, m.team_dir)])
    w.open("public inherited sharing class %sSelector" % m.name)
    w.open("public List<Schema.SObjectField> getSObjectFieldList()")
    w.l("return new List<Schema.SObjectField>{")
    w.l("    %s" % ", ".join("%s.%s" % (m.obj, f) for f in ["Id", "Name"] + m.fields))
    w.l("};")
    w.close()
    w.l()
    w.open("public List<%s> selectByIds(Set<Id> ids)" % m.obj)
    w.l("return [")
    w.l("    SELECT Id, Name, OwnerId, %s" % ", ".join(m.fields))
    w.l("    FROM %s" % m.obj)
    w.l("    WHERE Id IN :ids")
    w.l("    WITH USER_MODE")
    w.l("];")
    w.close()
    w.l()
    m.selector_fillers = [x for x in fill(w, m, r, target, [filler_query, filler_aggregate, filler_dynamic])]
    w.close()
    return w.text()


def gen_service(m, r, target):
    w = Writer()
    class_header(w, ["@description Service layer for %s records owned by the %s team." % (m.entity, m.team_dir),
                     "", "Callouts go through %sClient; queries through %sSelector." % (m.name, m.name)])
    w.open("public with sharing class %sService implements %s" % (m.name, m.iface))
    w.l("private static final Set<String> OPEN_STATUSES = new Set<String>{ 'New', 'Ready', 'In Progress', 'On Hold' };")
    w.l("private final %sSelector selector;" % m.name)
    w.l("private final %sClient client;" % m.name)
    w.l()
    w.open("public %sService()" % m.name)
    w.l("this(new %sSelector(), new %sClient());" % (m.name, m.name))
    w.close()
    w.l()
    w.l("@TestVisible")
    w.open("private %sService(%sSelector selector, %sClient client)" % (m.name, m.name, m.name))
    w.l("this.selector = selector;")
    w.l("this.client = client;")
    w.close()
    w.l()
    w.open("public Integer sync(Set<Id> recordIds)")
    w.l("List<%s> records = selector.selectByIds(recordIds);" % m.obj)
    w.open("if (records.isEmpty())")
    w.l("return 0;")
    w.close()
    w.l("HttpResponse res = client.push(records);")
    w.l("String status = res.getStatusCode() < 300 ? 'Synced' : 'Failed';")
    w.open("for (%s rec : records)" % m.obj)
    w.l("rec.Status__c = status;")
    w.l("rec.Last_Synced_At__c = System.now();")
    w.close()
    w.l("update records;")
    w.l("return status == 'Synced' ? records.size() : 0;")
    w.close()
    w.l()
    w.open("public %s refresh(Id recordId)" % m.obj)
    w.l("%s rec = selector.selectByIds(new Set<Id>{ recordId })[0];" % m.obj)
    w.l("Map<String, Object> remote = client.fetch(rec.External_Id__c);")
    w.l("rec.Description__c = (String) remote.get('description');")
    w.l("rec.Amount__c = (Decimal) remote.get('amount');")
    w.l("update rec;")
    w.l("return rec;")
    w.close()
    w.l()
    w.open("public Integer process(Set<Id> recordIds)")
    w.l("List<%s> records = selector.selectByIds(recordIds);" % m.obj)
    w.l("List<String> errors = validate(records);")
    w.open("if (!errors.isEmpty())")
    w.l("Logger.warn('%sService.process', String.join(errors, '\\n'));" % m.name)
    w.l("return 0;")
    w.close()
    w.l("Integer processed = 0;")
    w.open("for (%s rec : records)" % m.obj)
    w.open("if (OPEN_STATUSES.contains(rec.Status__c))")
    w.l("rec.Status__c = 'In Progress';")
    w.l("processed++;")
    w.close()
    w.close()
    w.l("update records;")
    if m.dep is not None:
        d = m.dep
        w.l("// Downstream: %s records waiting on this batch are pushed right away." % d.entity)
        w.l("%s downstream = (%s) %sApplication.newInstance(%s.class);" % (d.iface, d.iface, d.team_prefix, d.iface))
        w.l("downstream.sync(new Map<Id, %s>([SELECT Id FROM %s WHERE Status__c = 'Ready' LIMIT 100]).keySet());" % (d.obj, d.obj))
    w.l("return processed;")
    w.close()
    w.l()
    w.open("public List<String> validate(List<%s> records)" % m.obj)
    w.l("return validate1(records);")
    w.close()
    w.l()
    filler_validate(w, m, r, 1)
    fill(w, m, r, target, [filler_group, filler_switch, filler_dml, filler_validate], start=2)
    w.close()
    return w.text()


def endpoint_expr(m, r, path, stats, const_ok):
    """Return (setEndpoint argument, constant declaration or None)."""
    x = r.random()
    if x < 0.06:
        stats.endpoint += 1
        return "'https://%s/%s/v%d%s'" % (r.choice(HOSTS), m.entity.lower(), r.randint(1, 3), path), None
    if x < 0.09 and const_ok:
        stats.endpoint += 1
        return "ENDPOINT", "private static final String ENDPOINT = 'https://%s/%s/v2%s';" % (r.choice(HOSTS), m.entity.lower(), path)
    return "'callout:%s/v%d%s'" % (m.nc, r.randint(1, 3), path), None


def gen_client(m, r, target, stats):
    w = Writer()
    const_decl = []
    def send_lines(var, resvar, http_expr, with_timeout):
        out = []
        if not with_timeout:
            if r.random() < 0.3:
                out.append("// sfci-ignore callout-without-timeout: %s" % r.choice(REASONS))
                stats.suppressed_timeout += 1
            else:
                stats.timeout += 1
        out.append("HttpResponse %s = %s.send(%s);" % (resvar, http_expr, var))
        return out

    ep1, c1 = endpoint_expr(m, r, "/%ss" % m.entity.lower(), stats, True)
    if c1:
        const_decl.append(c1)
    # fetch/remove always use the named credential, so a literal endpoint is never concatenated
    ep2 = "'callout:%s/v%d/%ss/' + EncodingUtil.urlEncode(externalId, 'UTF-8')" % (m.nc, r.randint(1, 3), m.entity.lower())
    ep3 = "'callout:%s/v1/%ss/' + externalId" % (m.nc, m.entity.lower())

    t1 = r.random() > 0.12
    t2 = r.random() > 0.12
    class_header(w, ["@description HTTP client for the %s system of record." % m.entity,
                     "Endpoints resolve through the %s named credential unless noted." % m.nc])
    w.open("public with sharing class %sClient" % m.name)
    for c in const_decl:
        w.l(c)
    w.l("private static final Integer TIMEOUT_MS = %d;" % r.choice([10000, 20000, 30000, 60000]))
    w.l("@TestVisible")
    w.l("private static Integer lastStatusCode;")
    w.l()
    w.open("public HttpResponse push(List<%s> records)" % m.obj)
    w.l("HttpRequest req = new HttpRequest();")
    w.l("req.setEndpoint(%s);" % ep1)
    w.l("req.setMethod('POST');")
    w.l("req.setHeader('Content-Type', 'application/json');")
    w.l("req.setHeader('X-Request-Id', Request.getCurrent().getRequestId());")
    if t1:
        w.l("req.setTimeout(TIMEOUT_MS);")
    w.l("req.setBody(toPayload1(records));")
    for line in send_lines("req", "res", "new Http()", t1):
        w.l(line)
    w.l("lastStatusCode = res.getStatusCode();")
    w.open("if (res.getStatusCode() >= 300)")
    w.l("Logger.warn('%sClient.push', res.getStatusCode() + ' ' + res.getStatus() + ': ' + res.getBody().left(500));" % m.name)
    w.close()
    w.l("return res;")
    w.close()
    w.l()
    w.open("public Map<String, Object> fetch(String externalId)")
    w.l("HttpRequest request = new HttpRequest();")
    w.l("request.setEndpoint(%s);" % ep2)
    w.l("request.setMethod('GET');")
    w.l("request.setHeader('Accept', 'application/json');")
    if t2:
        w.l("request.setTimeout(TIMEOUT_MS);")
    w.l("Http http = new Http();")
    for line in send_lines("request", "response", "http", t2):
        w.l(line)
    w.l("lastStatusCode = response.getStatusCode();")
    w.open("if (response.getStatusCode() == 404)")
    w.l("return new Map<String, Object>();")
    w.close()
    w.l("return (Map<String, Object>) JSON.deserializeUntyped(response.getBody());")
    w.close()
    w.l()
    w.open("public Boolean remove(String externalId)")
    w.l("HttpRequest req = new HttpRequest();")
    w.l("req.setEndpoint(%s);" % ep3)
    w.l("req.setMethod('DELETE');")
    w.l("req.setTimeout(TIMEOUT_MS);")
    w.l("HttpResponse res = new Http().send(req);")
    w.l("return res.getStatusCode() == 204 || res.getStatusCode() == 404;")
    w.close()
    w.l()
    w.open("public HttpRequest buildPreview(List<%s> records)" % m.obj)
    w.l("// Built for the admin preview screen only; never sent from here.")
    w.l("HttpRequest preview = new HttpRequest();")
    w.l("preview.setEndpoint('callout:%s/v1/preview');" % m.nc)
    w.l("preview.setMethod('POST');")
    w.l("preview.setBody(toPayload1(records));")
    w.l("return preview;")
    w.close()
    w.l()
    filler_payload(w, m, r, 1)
    fill(w, m, r, target, [filler_payload, filler_group, filler_switch], start=2)
    w.close()
    return w.text()


def gen_job(m, r, target):
    w = Writer()
    class_header(w, ["@description Pushes %s changes asynchronously (callouts are not allowed in triggers)." % m.entity])
    w.open("public with sharing class %sSyncJob implements Queueable, Database.AllowsCallouts" % m.name)
    w.l("private final Set<Id> recordIds;")
    w.l("private final Integer attempt;")
    w.l()
    w.open("public %sSyncJob(Set<Id> recordIds)" % m.name)
    w.l("this(recordIds, 1);")
    w.close()
    w.l()
    w.open("public %sSyncJob(Set<Id> recordIds, Integer attempt)" % m.name)
    w.l("this.recordIds = recordIds;")
    w.l("this.attempt = attempt;")
    w.close()
    w.l()
    w.open("public void execute(QueueableContext context)")
    w.l("%s service = (%s) %sApplication.newInstance(%s.class);" % (m.iface, m.iface, m.team_prefix, m.iface))
    w.l("Integer synced = service.sync(recordIds);")
    w.open("if (synced < recordIds.size() && attempt < 3 && !Test.isRunningTest())")
    w.l("System.enqueueJob(new %sSyncJob(recordIds, attempt + 1), attempt * 2);" % m.name)
    w.close()
    w.close()
    w.l()
    fill(w, m, r, target, [filler_group, filler_switch], start=1)
    w.close()
    return w.text()


def gen_controller(m, r, target):
    w = Writer()
    class_header(w, ["@description Apex controller for the %s Lightning components." % m.entity])
    w.open("public with sharing class %sController" % m.name)
    w.open("public class %sRow" % m.entity)
    w.l("@AuraEnabled public Id id;")
    w.l("@AuraEnabled public String name;")
    w.l("@AuraEnabled public String status;")
    w.l("@AuraEnabled public Decimal amount;")
    w.l("@AuraEnabled public Map<String, Object> extra = new Map<String, Object>();")
    w.l()
    w.open("public %sRow(%s rec)" % (m.entity, m.obj))
    w.l("this.id = rec.Id;")
    w.l("this.name = rec.Name;")
    w.l("this.status = rec.Status__c;")
    w.l("this.amount = rec.Amount__c;")
    for f in m.fields[5:]:
        w.l("extra.put('%s', rec.%s);" % (f, f))
    w.close()
    w.close()
    w.l()
    w.l("@AuraEnabled(cacheable=true)")
    w.open("public static List<%sRow> getRows(List<Id> recordIds)" % m.entity)
    w.l("List<%sRow> rows = new List<%sRow>();" % (m.entity, m.entity))
    w.open("for (%s rec : new %sSelector().selectByIds(new Set<Id>(recordIds)))" % (m.obj, m.name))
    w.l("rows.add(new %sRow(rec));" % m.entity)
    w.close()
    w.l("return rows;")
    w.close()
    w.l()
    w.l("@AuraEnabled")
    w.open("public static Integer syncNow(List<Id> recordIds)")
    w.open("try")
    w.l("%s service = (%s) %sApplication.newInstance(%s.class);" % (m.iface, m.iface, m.team_prefix, m.iface))
    w.l("return service.sync(new Set<Id>(recordIds));")
    w.close("} catch (CalloutException e) {")
    w.ind += 1
    w.l("throw new AuraHandledException('The %s system is not reachable right now: ' + e.getMessage());" % m.entity)
    w.close()
    w.close()
    w.l()
    w.l("@AuraEnabled")
    w.open("public static void enqueueSync(List<Id> recordIds)")
    w.l("System.enqueueJob(new %sSyncJob(new Set<Id>(recordIds)));" % m.name)
    w.close()
    w.l()
    fill(w, m, r, target, [filler_group, filler_switch, filler_validate], start=1)
    w.close()
    return w.text()


# --------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------

def mock_lines(style, m, status=200):
    body = "'{\"status\":\"ok\",\"description\":\"synced\",\"amount\":42}'"
    if style == "direct":
        return ["Test.setMock(HttpCalloutMock.class, new MockHttpResponseGenerator(%d, %s));" % (status, body)]
    if style == "multiline":
        return ["Test.setMock(", "    HttpCalloutMock.class,", "    new MockHttpResponseGenerator(%d, %s)" % (status, body), ");"]
    if style == "factory":
        return ["CalloutMockFactory.useSuccessMocks();"]
    if style == "helper":
        return ["mockCallouts(%d);" % status]
    if style == "system":
        return ["System.Test.setMock(HttpCalloutMock.class, new MockHttpResponseGenerator(%d, %s));" % (status, body)]
    raise ValueError(style)


def pick_variant(r):
    x = r.random()
    if x < 0.012:
        return "none"
    if x < 0.018:
        return "comment"
    if x < 0.024:
        return "after"
    return "mocked"


def record_literal(m, r, i):
    parts = ["Name = '%s %d'" % (m.entity, i), "Status__c = 'Ready'", "Amount__c = %d" % (100 * (i + 1)),
             "External_Id__c = 'EXT-%s-%d'" % (m.entity.upper(), i)]
    for f in m.fields[5:]:
        parts.append("%s = %s" % (f, sample_value(r, f, FIELDS[f], i)))
    return "new %s(%s)" % (m.obj, ", ".join(parts))


def callout_test(w, m, r, stats, name, call_lines, result_assert, uses_helper):
    """A test method whose call reaches a callout; mocked unless the variant seeds a problem."""
    variant = pick_variant(r)
    stats.callout_tests += 1
    style = r.choice(["direct", "direct", "multiline", "factory", "helper", "system"])
    if style == "helper":
        uses_helper[0] = True
    w.l("@IsTest")
    w.open("static void %s()" % name)
    w.l("Set<Id> ids = new Map<Id, %s>([SELECT Id FROM %s]).keySet();" % (m.obj, m.obj))
    if variant == "mocked":
        for line in mock_lines(style, m):
            w.l(line)
    elif variant == "comment":
        stats.mock += 1
        w.l("// " + mock_lines("direct", m)[0] + "  TODO re-enable once the mock handles %s" % m.entity)
    elif variant == "none":
        stats.mock += 1
    w.l("Test.startTest();")
    for line in call_lines:
        w.l(line)
    if variant == "after":
        stats.mock += 1
        for line in mock_lines("direct", m):
            w.l(line)
    w.l("Test.stopTest();")
    w.l(result_assert)
    w.close()
    w.l()


def gen_service_test(m, r, target, stats):
    w = Writer()
    uses_helper = [False]
    w.l("@IsTest")
    w.open("private class %sServiceTest" % m.name)
    w.l("@TestSetup")
    w.open("static void makeData()")
    w.l("List<%s> records = new List<%s>{" % (m.obj, m.obj))
    for i in range(4):
        w.l("    %s%s" % (record_literal(m, r, i), "," if i < 3 else ""))
    w.l("};")
    w.l("insert records;")
    if m.dep is not None:
        w.l("insert %s;" % record_literal(m.dep, r, 9))
    w.close()
    w.l()
    callout_test(w, m, r, stats, "testSync",
                 ["Integer synced = new %sService().sync(ids);" % m.name],
                 "System.assertEquals(ids.size(), synced, 'every record should be synced');", uses_helper)
    callout_test(w, m, r, stats, "testRefresh",
                 ["%s service = new %sService();" % (m.iface, m.name),
                  "%s rec = service.refresh(new List<Id>(ids)[0]);" % m.obj],
                 "System.assertEquals('synced', rec.Description__c);", uses_helper)
    if m.dep is not None:
        callout_test(w, m, r, stats, "testProcessPushesDownstream",
                     ["Integer processed = new %sService().process(ids);" % m.name],
                     "System.assert(processed >= 0, 'process should not fail');", uses_helper)
    else:
        w.l("@IsTest")
        w.open("static void testProcess()")
        w.l("Set<Id> ids = new Map<Id, %s>([SELECT Id FROM %s]).keySet();" % (m.obj, m.obj))
        w.l("Test.startTest();")
        w.l("Integer processed = new %sService().process(ids);" % m.name)
        w.l("Test.stopTest();")
        w.l("System.assertEquals(ids.size(), processed, 'all open records are processed');")
        w.close()
        w.l()
    w.l("@IsTest")
    w.open("static void testValidateRejectsNegativeAmounts()")
    w.l("%s bad = new %s(Name = 'Broken %s', Amount__c = -5);" % (m.obj, m.obj, m.entity))
    w.l("List<String> errors = new %sService().validate(new List<%s>{ bad });" % (m.name, m.obj))
    w.l("System.assert(!errors.isEmpty(), 'a negative amount must be rejected');")
    w.l("System.assert(errors[0].contains('must not be negative'), errors[0]);")
    w.close()
    w.l()
    k = 1
    while w.size() < target - 400:
        kind = r.random()
        w.l("@IsTest")
        if kind < 0.5 and m.selector_fillers:
            fname, fk = r.choice(m.selector_fillers)
            w.open("static void testSelector%d()" % k)
            w.l("%sSelector selector = new %sSelector();" % (m.name, m.name))
            if fk == "query":
                w.l("List<%s> rows = selector.%s(new Set<String>{ 'Ready', 'EMEA', 'High' }, 10);" % (m.obj, fname))
                w.l("System.assert(rows.size() <= 10, 'LIMIT must be honoured');")
            elif fk == "aggregate":
                w.l("Map<String, Decimal> totals = selector.%s();" % fname)
                w.l("System.assertNotEquals(null, totals);")
            else:
                w.l("List<%s> rows = selector.%s('%s', true);" % (m.obj, fname, r.choice(["O'Brien", m.entity, "50%"]).replace("'", "\\'")))
                w.l("for (%s row : rows) {" % m.obj)
                w.l("    System.assertNotEquals('Closed', row.Status__c);")
                w.l("}")
            w.close()
        else:
            w.open("static void testGroupAndValidate%d()" % k)
            w.l("List<%s> records = [SELECT Id, Name, OwnerId, %s FROM %s];" % (m.obj, ", ".join(m.fields), m.obj))
            w.l("List<String> errors = new %sService().validate(records);" % m.name)
            w.l("System.assertEquals(0, errors.size(), String.join(errors, '; '));")
            w.l("System.assertEquals(4, records.size(), 'makeData inserts four records');")
            w.close()
        w.l()
        k += 1
    if uses_helper[0]:
        w.open("private static void mockCallouts(Integer statusCode)")
        w.l("Test.setMock(HttpCalloutMock.class, new MockHttpResponseGenerator(statusCode, '{\"status\":\"ok\",\"description\":\"synced\",\"amount\":42}'));")
        w.close()
    w.close()
    return w.text()


def gen_client_test(m, r, target, stats):
    w = Writer()
    w.l("@IsTest")
    w.open("private class %sClientTest" % m.name)
    w.open("private class %sMock implements HttpCalloutMock" % m.entity)
    w.l("private final Integer statusCode;")
    w.l("public List<HttpRequest> received = new List<HttpRequest>();")
    w.open("%sMock(Integer statusCode)" % m.entity)
    w.l("this.statusCode = statusCode;")
    w.close()
    w.open("public HttpResponse respond(HttpRequest req)")
    w.l("received.add(req);")
    w.l("HttpResponse res = new HttpResponse();")
    w.l("res.setStatusCode(statusCode);")
    w.l("res.setHeader('Content-Type', 'application/json');")
    w.open("switch on req.getMethod()")
    w.open("when 'GET'")
    w.l("res.setBody('{\"description\":\"from remote\",\"amount\":12.5}');")
    w.close()
    w.open("when 'DELETE'")
    w.l("res.setStatusCode(statusCode == 200 ? 204 : statusCode);")
    w.close()
    w.open("when else")
    w.l("res.setBody('{\"accepted\":true}');")
    w.close()
    w.close()
    w.l("return res;")
    w.close()
    w.close()
    w.l()
    ops = [
        ("testPush", "HttpResponse res = new %sClient().push(new List<%s>{ %s });" % (m.name, m.obj, record_literal(m, r, 1)),
         "System.assertEquals(200, res.getStatusCode());"),
        ("testFetch", "Map<String, Object> remote = new %sClient().fetch('EXT-1');" % m.name,
         "System.assertEquals('from remote', remote.get('description'));"),
        ("testRemove", "Boolean removed = new %sClient().remove('EXT-1');" % m.name,
         "System.assert(removed, 'remove should accept 204');"),
    ]
    for name, call, check in ops:
        variant = pick_variant(r)
        stats.callout_tests += 1
        w.l("@IsTest")
        w.open("static void %s()" % name)
        if variant == "mocked":
            w.l("%sMock mock = new %sMock(200);" % (m.entity, m.entity))
            w.l("Test.setMock(HttpCalloutMock.class, mock);")
        elif variant == "comment":
            stats.mock += 1
            w.l("/* Test.setMock(HttpCalloutMock.class, new %sMock(200)); */" % m.entity)
        elif variant == "none":
            stats.mock += 1
        w.l("Test.startTest();")
        w.l(call)
        if variant == "after":
            stats.mock += 1
            w.l("Test.setMock(HttpCalloutMock.class, new %sMock(200));" % m.entity)
        w.l("Test.stopTest();")
        w.l(check)
        w.close()
        w.l()
    k = 1
    while w.size() < target - 300:
        w.l("@IsTest")
        w.open("static void testPushFailure%d()" % k)
        code = r.choice([400, 409, 422, 500, 502, 503])
        w.l("Test.setMock(HttpCalloutMock.class, new %sMock(%d));" % (m.entity, code))
        w.l("List<%s> records = new List<%s>{" % (m.obj, m.obj))
        w.l("    %s," % record_literal(m, r, k))
        w.l("    %s" % record_literal(m, r, k + 1))
        w.l("};")
        w.l("Test.startTest();")
        w.l("HttpResponse res = new %sClient().push(records);" % m.name)
        w.l("Test.stopTest();")
        w.l("System.assertEquals(%d, res.getStatusCode(), 'status %d must reach the caller');" % (code, code))
        w.close()
        w.l()
        k += 1
    w.close()
    stats.callout_tests += k - 1
    return w.text()


def gen_job_test(m, r, target, stats):
    w = Writer()
    w.l("@IsTest")
    w.open("private class %sSyncJobTest" % m.name)
    w.l("@TestSetup")
    w.open("static void makeData()")
    w.l("insert new List<%s>{ %s, %s };" % (m.obj, record_literal(m, r, 1), record_literal(m, r, 2)))
    w.close()
    w.l()
    # async: a mock set after enqueue but before stopTest is in time
    variant = pick_variant(r)
    stats.callout_tests += 1
    w.l("@IsTest")
    w.open("static void testEnqueue()")
    w.l("Set<Id> ids = new Map<Id, %s>([SELECT Id FROM %s]).keySet();" % (m.obj, m.obj))
    w.l("Test.startTest();")
    w.l("Id jobId = System.enqueueJob(new %sSyncJob(ids));" % m.name)
    if variant in ("mocked", "after"):
        w.l("// The queueable runs at Test.stopTest(), so this mock is registered in time.")
        w.l(mock_lines("direct", m)[0])
    else:
        stats.mock += 1
    w.l("Test.stopTest();")
    w.l("System.assertNotEquals(null, jobId);")
    w.l("System.assertEquals(ids.size(), [SELECT COUNT() FROM %s WHERE Status__c = 'Synced'], 'the job syncs every record');" % m.obj)
    w.close()
    w.l()
    stats.callout_tests += 1
    w.l("@IsTest")
    w.open("static void testControllerEnqueue()")
    w.l(mock_lines("factory", m)[0])
    w.l("List<Id> ids = new List<Id>(new Map<Id, %s>([SELECT Id FROM %s]).keySet());" % (m.obj, m.obj))
    w.l("Test.startTest();")
    w.l("%sController.enqueueSync(ids);" % m.name)
    w.l("Test.stopTest();")
    w.l("System.assertEquals(1, [SELECT COUNT() FROM AsyncApexJob WHERE ApexClass.Name = '%sSyncJob'], 'one job');" % m.name)
    w.close()
    w.l()
    k = 1
    while w.size() < target - 300:
        w.l("@IsTest")
        w.open("static void testRows%d()" % k)
        w.l("List<Id> ids = new List<Id>(new Map<Id, %s>([SELECT Id FROM %s]).keySet());" % (m.obj, m.obj))
        w.l("List<%sController.%sRow> rows = %sController.getRows(ids);" % (m.name, m.entity, m.name))
        w.l("System.assertEquals(2, rows.size());")
        w.open("for (%sController.%sRow row : rows)" % (m.name, m.entity))
        w.l("System.assertEquals('Ready', row.status, 'fresh records are Ready');")
        f = r.choice(m.fields[5:])
        w.l("System.assert(row.extra.containsKey('%s'), 'extra carries %s');" % (f, f))
        w.close()
        w.close()
        w.l()
        k += 1
    w.close()
    return w.text()


# --------------------------------------------------------------------------------------------
# shared and per-team classes
# --------------------------------------------------------------------------------------------

SHARED_CLASSES = {
    "MockHttpResponseGenerator": """@IsTest
public class MockHttpResponseGenerator implements HttpCalloutMock {
    private final Integer statusCode;
    private final String body;

    public MockHttpResponseGenerator() {
        this(200, '{"status": "success"}');
    }

    public MockHttpResponseGenerator(Integer statusCode, String body) {
        this.statusCode = statusCode;
        this.body = body;
    }

    public HttpResponse respond(HttpRequest req) {
        HttpResponse res = new HttpResponse();
        res.setHeader('Content-Type', 'application/json');
        res.setStatusCode(statusCode);
        res.setBody(body);
        return res;
    }
}
""",
    "CalloutMockFactory": """@IsTest
public class CalloutMockFactory {
    public static void useSuccessMocks() {
        Test.setMock(HttpCalloutMock.class, new MockHttpResponseGenerator(200, '{"status":"ok","description":"synced","amount":42}'));
    }

    public static void useErrorMocks(Integer statusCode) {
        Test.setMock(HttpCalloutMock.class, new MockHttpResponseGenerator(statusCode, '{"error":"upstream unavailable"}'));
    }
}
""",
    "Logger": """public without sharing class Logger {
    public static void info(String source, String message) {
        log(LoggingLevel.INFO, source, message);
    }

    public static void warn(String source, String message) {
        log(LoggingLevel.WARN, source, message);
    }

    public static void error(String source, String message) {
        log(LoggingLevel.ERROR, source, message);
    }

    private static void log(LoggingLevel level, String source, String message) {
        System.debug(level, '[' + source + '] ' + message);
        if (level == LoggingLevel.INFO) {
            return;
        }
        EventBus.publish(new Log_Event__e(Level__c = level.name(), Source__c = source, Message__c = message));
    }
}
""",
}


def gen_application(team_prefix, modules):
    w = Writer()
    class_header(w, ["@description Service locator for the %s team (fflib_Application style)." % team_prefix])
    w.open("public with sharing class %sApplication" % team_prefix)
    w.l("private static final Map<Type, Type> BINDINGS = new Map<Type, Type>{")
    for i, m in enumerate(modules):
        w.l("    %s.class => %sService.class%s" % (m.iface, m.name, "," if i < len(modules) - 1 else ""))
    w.l("};")
    w.l()
    w.l("@TestVisible")
    w.l("private static Map<Type, Object> mockBindings = new Map<Type, Object>();")
    w.l()
    w.open("public static Object newInstance(Type serviceType)")
    w.open("if (mockBindings.containsKey(serviceType))")
    w.l("return mockBindings.get(serviceType);")
    w.close()
    w.l("Type implementation = BINDINGS.get(serviceType);")
    w.open("if (implementation == null)")
    w.l("throw new ApplicationException('No implementation bound for ' + serviceType.getName());")
    w.close()
    w.l("return implementation.newInstance();")
    w.close()
    w.l()
    w.l("public class ApplicationException extends Exception {}")
    w.close()
    return w.text()


def gen_util(team_prefix, k, r):
    m = Module(team_prefix, team_prefix, r.choice(ENTITIES), "%sUtil%d" % (team_prefix, k), r)
    w = Writer()
    class_header(w, ["@description Assorted helpers for %s records." % m.entity])
    w.open("public with sharing class %s" % m.name)
    fill(w, m, r, r.randint(6000, 14000), [filler_group, filler_switch, filler_payload])
    w.close()
    return m.name, w.text()


# --------------------------------------------------------------------------------------------
# non-Apex metadata: LWC, Aura, Visualforce, Flows, FlexiPages, permission sets, profiles,
# custom objects and fields, custom labels, static resources
#
# Drawn from its own random stream, after all the Apex, so the Apex part (and its manifest
# counts) is byte-identical with or without it (--no-metadata).
# --------------------------------------------------------------------------------------------

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
MD_NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'
N_OBJECTS = 12          # entities that get an objects/ folder (the rest stay unresolved, like managed ones)
FIELD_XML = {           # Apex type -> (field type, extra elements)
    "String": ("Text", ["<length>255</length>"]),
    "Decimal": ("Number", ["<precision>16</precision>", "<scale>2</scale>"]),
    "Date": ("Date", []),
    "Datetime": ("DateTime", []),
    "Boolean": ("Checkbox", ["<defaultValue>false</defaultValue>"]),
}
PROFILES = ["Standard Employee", "Team Lead", "Integration User", "Read Only Auditor"]


def lower_first(s):
    return s[0].lower() + s[1:]


def kebab(name):
    out = []
    for ch in name:
        if ch.isupper():
            out.append("-" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def lwc_meta(exposed, obj=None, label=None):
    lines = [XML_HEAD + "<LightningComponentBundle %s>" % MD_NS,
             "    <apiVersion>%s</apiVersion>" % API_VERSION,
             "    <isExposed>%s</isExposed>" % ("true" if exposed else "false")]
    if label:
        lines.append("    <masterLabel>%s</masterLabel>" % label)
    if exposed:
        lines += ["    <targets>", "        <target>lightning__RecordPage</target>", "    </targets>"]
        if obj:
            lines += ["    <targetConfigs>",
                      '        <targetConfig targets="lightning__RecordPage">',
                      "            <objects>",
                      "                <object>%s</object>" % obj,
                      "            </objects>",
                      "        </targetConfig>",
                      "    </targetConfigs>"]
    lines.append("</LightningComponentBundle>")
    return "\n".join(lines) + "\n"


def simple_meta(kind, extra=()):
    return (XML_HEAD + "<%s %s>\n    <apiVersion>%s</apiVersion>\n" % (kind, MD_NS, API_VERSION)
            + "".join("    %s\n" % e for e in extra) + "</%s>\n" % kind)


class Refs:
    """Counts the references the generator writes into non-Apex files, resolved like the fixture's
    EXPECTED-deps.md: by (kind, case-insensitive name); names not in the corpus are unresolved."""

    def __init__(self):
        self.owner = {}      # (kind, lower name) -> team
        self.total = 0
        self.cross = 0
        self.unresolved = 0

    def declare(self, kind, name, team):
        self.owner[(kind, name.lower())] = team

    def ref(self, from_team, kind, name):
        self.total += 1
        team = self.owner.get((kind, name.lower()))
        if team is None:
            self.unresolved += 1
        elif team != from_team:
            self.cross += 1
        return name


def gen_metadata(team_modules, class_team, seed):
    """Returns ({relative path: text}, counts) for every non-Apex file of the corpus."""
    mr = random.Random("%d/metadata" % seed)
    out = {}
    counts = {}
    refs = Refs()
    for name, team in class_team.items():
        refs.declare("ApexClass", name, team)
    all_modules = [m for t, _ in TEAMS for m in team_modules[t]]
    prefix_of = dict(TEAMS)

    def put(rel, text):
        assert rel not in out, rel
        out[rel] = text

    def base(team):
        return "%s/main/default" % team

    # --- custom objects: the most used entities, owned by the team that used them first ----------
    by_entity = {}
    for m in sorted(all_modules, key=lambda m: m.name):
        by_entity.setdefault(m.entity, []).append(m)
    first = {}
    for t, _ in TEAMS:                      # creation order is round-robin over TEAMS
        for m in team_modules[t]:
            first.setdefault(m.entity, m)
    ranked = sorted(by_entity, key=lambda e: (-len(by_entity[e]), e))[:N_OBJECTS]
    objects = {}                            # entity -> (owner team, [fields])
    for e in sorted(ranked):
        owner = first[e].team_dir
        fields = sorted(set(f for m in by_entity[e] for f in m.fields))
        objects[e] = (owner, fields)
        refs.declare("CustomObject", e + "__c", owner)
        for f in fields:
            refs.declare("CustomField", "%s__c.%s" % (e, f), owner)
    obj_names = sorted(objects)
    for e in obj_names:
        owner, fields = objects[e]
        d = "%s/objects/%s__c" % (base(owner), e)
        put("%s/%s__c.object-meta.xml" % (d, e), XML_HEAD + "\n".join([
            "<CustomObject %s>" % MD_NS,
            "    <deploymentStatus>Deployed</deploymentStatus>",
            "    <description>%s records, owned by the %s team.</description>" % (e, owner),
            "    <enableHistory>true</enableHistory>",
            "    <enableReports>true</enableReports>",
            "    <label>%s</label>" % e,
            "    <nameField>",
            "        <label>%s Name</label>" % e,
            "        <type>Text</type>",
            "    </nameField>",
            "    <pluralLabel>%ss</pluralLabel>" % e,
            "    <sharingModel>ReadWrite</sharingModel>",
            "</CustomObject>"]) + "\n")
        for f in fields:
            ftype, extra = FIELD_XML[FIELDS[f]]
            if f == "Amount__c":
                ftype = "Currency"
            put("%s/fields/%s.field-meta.xml" % (d, f), XML_HEAD + "\n".join(
                ["<CustomField %s>" % MD_NS, "    <fullName>%s</fullName>" % f,
                 "    <label>%s</label>" % f[:-3].replace("_", " ")]
                + ["    " + x for x in extra]
                + ["    <required>false</required>", "    <type>%s</type>" % ftype, "</CustomField>"]) + "\n")
            refs.ref(owner, "CustomObject", e + "__c")          # a field file refers to its object
        # one lookup per object, to another team's object where there is one
        others = [o for o in obj_names if o != e and objects[o][0] != owner] or [o for o in obj_names if o != e]
        if not others:
            refs.ref(owner, "CustomObject", e + "__c")
            continue
        parent = mr.choice(others)
        lookup = "%s__c" % parent
        refs.declare("CustomField", "%s__c.%s" % (e, lookup), owner)
        put("%s/fields/%s.field-meta.xml" % (d, lookup), XML_HEAD + "\n".join([
            "<CustomField %s>" % MD_NS, "    <fullName>%s</fullName>" % lookup,
            "    <deleteConstraint>SetNull</deleteConstraint>", "    <label>%s</label>" % parent,
            "    <referenceTo>%s</referenceTo>" % refs.ref(owner, "CustomObject", lookup),
            "    <relationshipName>%ss</relationshipName>" % e, "    <required>false</required>",
            "    <type>Lookup</type>", "</CustomField>"]) + "\n")
        refs.ref(owner, "CustomObject", e + "__c")
    counts["custom_objects"] = len(objects)
    counts["custom_fields"] = sum(len(f) + 1 for _, f in objects.values())

    # --- labels and static resources ---------------------------------------------------------
    shared_labels = ["Acme_Error_Generic", "Acme_Saved", "Acme_Loading", "Acme_No_Records",
                     "Acme_Confirm_Delete", "Acme_Sync_Started", "Acme_Sync_Failed", "Acme_Access_Denied"]
    team_labels = {SHARED: shared_labels}
    for t, p in TEAMS:
        team_labels[t] = ["%s_%s_Title" % (p, m.entity) for m in team_modules[t]]
        team_labels[t] = sorted(set(team_labels[t]))
    n_labels = 0
    for t in [SHARED] + [t for t, _ in TEAMS]:
        body = []
        for lab in team_labels[t]:
            refs.declare("CustomLabel", lab, t)
            text = lab.replace("_", " ")
            body += ["    <labels>", "        <fullName>%s</fullName>" % lab,
                     "        <language>en_US</language>", "        <protected>false</protected>",
                     "        <shortDescription>%s</shortDescription>" % text,
                     "        <value>%s</value>" % text, "    </labels>"]
            n_labels += 1
        put("%s/labels/CustomLabels.labels-meta.xml" % base(t),
            XML_HEAD + "<CustomLabels %s>\n" % MD_NS + "\n".join(body) + "\n</CustomLabels>\n")
    counts["custom_labels"] = n_labels

    def resource(t, name, ctype, ext, content):
        refs.declare("StaticResource", name, t)
        put("%s/staticresources/%s.resource-meta.xml" % (base(t), name), XML_HEAD + "\n".join([
            "<StaticResource %s>" % MD_NS, "    <cacheControl>Public</cacheControl>",
            "    <contentType>%s</contentType>" % ctype, "</StaticResource>"]) + "\n")
        put("%s/staticresources/%s.%s" % (base(t), name, ext), content)

    resource(SHARED, "AcmeBrand", "text/css", "css",
             ":root { --acme-blue: #0b3d91; }\n.acme-letterhead { border-bottom: 2px solid var(--acme-blue); }\n")
    for t, p in TEAMS:
        resource(t, "%sAssets" % p, "text/css", "css", ".%s-badge { font-weight: 600; }\n" % t)
    counts["static_resources"] = len(TEAMS) + 1

    # --- shared building blocks --------------------------------------------------------------
    sb = base(SHARED)
    for name in ("acmeFormat", "acmeErrorPanel"):
        refs.declare("Lwc", name, SHARED)
    put("%s/lwc/acmeFormat/acmeFormat.js" % sb,
        "export function formatAmount(value, currency = 'EUR') {\n"
        "    return value === null || value === undefined ? '' : new Intl.NumberFormat('de-DE', { style: 'currency', currency }).format(value);\n"
        "}\n")
    put("%s/lwc/acmeFormat/acmeFormat.js-meta.xml" % sb, lwc_meta(False))
    put("%s/lwc/acmeErrorPanel/acmeErrorPanel.js" % sb,
        "import { LightningElement, api } from 'lwc';\n"
        "import GENERIC_ERROR from '@salesforce/label/c.%s';\n\n"
        "export default class AcmeErrorPanel extends LightningElement {\n"
        "    @api errors;\n\n"
        "    get message() {\n"
        "        return (this.errors && this.errors.body && this.errors.body.message) || GENERIC_ERROR;\n"
        "    }\n}\n" % refs.ref(SHARED, "CustomLabel", "Acme_Error_Generic"))
    put("%s/lwc/acmeErrorPanel/acmeErrorPanel.html" % sb,
        '<template>\n    <div class="slds-text-color_error" role="alert">{message}</div>\n</template>\n')
    put("%s/lwc/acmeErrorPanel/acmeErrorPanel.js-meta.xml" % sb, lwc_meta(False))
    refs.declare("Aura", "acmeCard", SHARED)
    put("%s/aura/acmeCard/acmeCard.cmp" % sb,
        '<aura:component>\n    <aura:attribute name="title" type="String"/>\n'
        '    <lightning:card title="{!v.title}">{!v.body}</lightning:card>\n</aura:component>\n')
    put("%s/aura/acmeCard/acmeCard.cmp-meta.xml" % sb, simple_meta("AuraDefinitionBundle"))
    refs.declare("VisualforceComponent", "AcmeLetterhead", SHARED)
    put("%s/components/AcmeLetterhead.component" % sb,
        '<apex:component>\n    <apex:attribute name="title" type="String" required="true" description="Title"/>\n'
        '    <apex:stylesheet value="{!$Resource.%s}"/>\n'
        '    <div class="acme-letterhead">{!title}</div>\n</apex:component>\n'
        % refs.ref(SHARED, "StaticResource", "AcmeBrand"))
    put("%s/components/AcmeLetterhead.component-meta.xml" % sb,
        simple_meta("ApexComponent", ["<label>AcmeLetterhead</label>"]))

    def notify_flow(t, name):
        refs.declare("Flow", name, t)
        put("%s/flows/%s.flow-meta.xml" % (base(t), name), XML_HEAD + "\n".join([
            "<Flow %s>" % MD_NS,
            "    <actionCalls>", "        <name>Post_To_Feed</name>", "        <label>Post to Feed</label>",
            "        <locationX>176</locationX>", "        <locationY>134</locationY>",
            "        <actionName>chatterPost</actionName>", "        <actionType>chatterPost</actionType>",
            "        <inputParameters>", "            <name>subjectNameOrId</name>",
            "            <value>", "                <elementReference>recordId</elementReference>",
            "            </value>", "        </inputParameters>", "    </actionCalls>",
            "    <apiVersion>%s</apiVersion>" % API_VERSION,
            "    <label>%s</label>" % name.replace("_", " "),
            "    <processType>AutoLaunchedFlow</processType>",
            "    <start>", "        <locationX>50</locationX>", "        <locationY>0</locationY>",
            "        <connector>", "            <targetReference>Post_To_Feed</targetReference>",
            "        </connector>", "    </start>", "    <status>Active</status>",
            "    <variables>", "        <name>recordId</name>", "        <dataType>String</dataType>",
            "        <isCollection>false</isCollection>", "        <isInput>true</isInput>",
            "        <isOutput>false</isOutput>", "    </variables>", "</Flow>"]) + "\n")

    notify_flow(SHARED, "Send_Team_Notification")
    for t, p in TEAMS:
        notify_flow(t, "%s_Notify" % p)

    # --- per module: LWC, Aura, Visualforce, Flows -------------------------------------------
    lists = {}          # module name -> list LWC name
    cards = {}          # module name -> card LWC name
    panels = {}         # module name -> Aura bundle name
    pages = {}          # module name -> Visualforce page name
    for m in all_modules:
        lists[m.name] = lower_first(m.name) + "List"
        refs.declare("Lwc", lists[m.name], m.team_dir)
        if mr.random() < 0.8:
            cards[m.name] = lower_first(m.name) + "Card"
            refs.declare("Lwc", cards[m.name], m.team_dir)
        if mr.random() < 0.25:
            panels[m.name] = lower_first(m.name) + "Panel"
            refs.declare("Aura", panels[m.name], m.team_dir)
        if mr.random() < 0.25:
            pages[m.name] = m.name + "Page"
            refs.declare("VisualforcePage", pages[m.name], m.team_dir)
    card_modules = [m for m in all_modules if m.name in cards]
    n_flows = len(TEAMS) + 1
    n_jest = 0
    for m in all_modules:
        t, b = m.team_dir, base(m.team_dir)
        label = "%s_%s_Title" % (m.team_prefix, m.entity)
        has_obj = m.entity in objects
        other = mr.choice(all_modules)
        # list LWC
        name = lists[m.name]
        js = ["import { LightningElement, api, wire } from 'lwc';",
              "import { ShowToastEvent } from 'lightning/platformShowToastEvent';",
              "import getRows from '@salesforce/apex/%s.getRows';" % refs.ref(t, "ApexClass", m.name + "Controller"),
              "import syncNow from '@salesforce/apex/%s.syncNow';" % refs.ref(t, "ApexClass", m.name + "Controller")]
        if mr.random() < 0.25 and other.team_dir != t:
            js.append("import getRelated from '@salesforce/apex/%s.getRows';" % refs.ref(t, "ApexClass", other.name + "Controller"))
        if has_obj:
            js.append("import OBJECT from '@salesforce/schema/%s';" % refs.ref(t, "CustomObject", m.obj))
            for f in ("Status__c", "Amount__c"):
                js.append("import %s_FIELD from '@salesforce/schema/%s';"
                          % (f[:-3].upper(), refs.ref(t, "CustomField", "%s.%s" % (m.obj, f))))
        else:
            js.append("import NAME_FIELD from '@salesforce/schema/Account.Name';")
            refs.ref(t, "CustomField", "Account.Name")
        js += ["import TITLE from '@salesforce/label/c.%s';" % refs.ref(t, "CustomLabel", label),
               "import SYNC_FAILED from '@salesforce/label/c.%s';" % refs.ref(t, "CustomLabel", "Acme_Sync_Failed"),
               "import ASSETS from '@salesforce/resourceUrl/%s';" % refs.ref(t, "StaticResource", m.team_prefix + "Assets"),
               "import { formatAmount } from 'c/%s';" % refs.ref(t, "Lwc", "acmeFormat"),
               "",
               "export default class %s extends LightningElement {" % (name[0].upper() + name[1:]),
               "    @api recordIds = [];",
               "    columns = [{ label: 'Name', fieldName: 'name' }, { label: 'Amount', fieldName: 'amountText' }];",
               "    title = TITLE;",
               "    assets = ASSETS;",
               "    rows = [];",
               "    error;",
               "",
               "    @wire(getRows, { recordIds: '$recordIds' })",
               "    wiredRows({ data, error }) {",
               "        this.rows = data ? data.map((r) => ({ ...r, amountText: formatAmount(r.amount) })) : [];",
               "        this.error = error;",
               "    }",
               "",
               "    async handleSync() {",
               "        try {",
               "            await syncNow({ recordIds: this.recordIds });",
               "        } catch (e) {",
               "            this.dispatchEvent(new ShowToastEvent({ title: SYNC_FAILED, message: e.body && e.body.message, variant: 'error' }));",
               "        }",
               "    }",
               "}"]
        put("%s/lwc/%s/%s.js" % (b, name, name), "\n".join(js) + "\n")
        html = ["<template>",
                '    <lightning-card title={title} icon-name="custom:custom%d">' % mr.randint(1, 100),
                '        <lightning-button label="Sync" slot="actions" onclick={handleSync}></lightning-button>',
                "        <template lwc:if={error}>",
                "            <%s errors={error}></%s>" % (("c-" + kebab(refs.ref(t, "Lwc", "acmeErrorPanel")),) * 2),
                "        </template>",
                '        <lightning-datatable key-field="id" data={rows} columns={columns} hide-checkbox-column></lightning-datatable>']
        if mr.random() < 0.4 and card_modules:
            cm = mr.choice(card_modules)
            tag = "c-" + kebab(refs.ref(t, "Lwc", cards[cm.name]))
            html.append("        <%s record-ids={recordIds}></%s>" % (tag, tag))
        html += ["    </lightning-card>", "</template>"]
        put("%s/lwc/%s/%s.html" % (b, name, name), "\n".join(html) + "\n")
        put("%s/lwc/%s/%s.js-meta.xml" % (b, name, name),
            lwc_meta(True, refs.ref(t, "CustomObject", m.obj) if has_obj else None, "%s List" % m.entity))
        if mr.random() < 0.1:
            n_jest += 1
            put("%s/lwc/%s/__tests__/%s.test.js" % (b, name, name),
                "import { createElement } from 'lwc';\nimport Cmp from 'c/%s';\n\n"
                "describe('c-%s', () => {\n    it('renders', () => {\n"
                "        const el = createElement('c-%s', { is: Cmp });\n"
                "        document.body.appendChild(el);\n        expect(el).toBeTruthy();\n    });\n});\n"
                % (name, kebab(name), kebab(name)))
        # card LWC
        if m.name in cards:
            name = cards[m.name]
            put("%s/lwc/%s/%s.js" % (b, name, name), "\n".join([
                "import { LightningElement, api, wire } from 'lwc';",
                "import getRows from '@salesforce/apex/%s.getRows';" % refs.ref(t, "ApexClass", m.name + "Controller"),
                "import { formatAmount } from 'c/%s';" % refs.ref(t, "Lwc", "acmeFormat"),
                "",
                "export default class %s extends LightningElement {" % (name[0].upper() + name[1:]),
                "    @api recordIds = [];",
                "    @wire(getRows, { recordIds: '$recordIds' }) rows;",
                "",
                "    get total() {",
                "        const data = (this.rows && this.rows.data) || [];",
                "        return formatAmount(data.reduce((sum, r) => sum + (r.amount || 0), 0));",
                "    }",
                "}"]) + "\n")
            put("%s/lwc/%s/%s.html" % (b, name, name),
                '<template>\n    <div class="slds-box slds-box_x-small">%s total: {total}</div>\n</template>\n' % m.entity)
            put("%s/lwc/%s/%s.js-meta.xml" % (b, name, name), lwc_meta(False))
        # Aura panel
        if m.name in panels:
            name = panels[m.name]
            cmp = ['<aura:component controller="%s" implements="flexipage:availableForRecordHome,force:hasRecordId">'
                   % refs.ref(t, "ApexClass", m.name + "Controller"),
                   '    <aura:attribute name="recordId" type="Id"/>',
                   '    <aura:attribute name="rows" type="Object[]"/>',
                   '    <aura:handler name="init" value="{!this}" action="{!c.doInit}"/>',
                   '    <c:%s title="{!$Label.c.%s}">' % (refs.ref(t, "Aura", "acmeCard"), refs.ref(t, "CustomLabel", label)),
                   '        <c:%s recordIds="{!v.rows}"/>' % refs.ref(t, "Lwc", lists[m.name])]
            if mr.random() < 0.3:
                cmp.append('        <c:%s recordIds="{!v.rows}"/>' % refs.ref(t, "Lwc", lists[other.name]))
            cmp += ["    </c:acmeCard>", "</aura:component>"]
            put("%s/aura/%s/%s.cmp" % (b, name, name), "\n".join(cmp) + "\n")
            put("%s/aura/%s/%sController.js" % (b, name, name), "\n".join([
                "({", "    doInit: function (component) {",
                '        const action = component.get("c.getRows");',
                '        action.setParams({ recordIds: [component.get("v.recordId")] });',
                "        action.setCallback(this, function (response) {",
                '            if (response.getState() === "SUCCESS") {',
                '                component.set("v.rows", response.getReturnValue());',
                "            } else {",
                '                console.error($A.get("$Label.c.%s"));' % refs.ref(t, "CustomLabel", "Acme_Error_Generic"),
                "            }", "        });", "        $A.enqueueAction(action);", "    }", "})"]) + "\n")
            put("%s/aura/%s/%s.cmp-meta.xml" % (b, name, name), simple_meta("AuraDefinitionBundle"))
        # Visualforce page
        if m.name in pages:
            name = pages[m.name]
            ext = ""
            if mr.random() < 0.3:
                ext = ' extensions="%s"' % refs.ref(t, "ApexClass", other.name + "Controller")
            put("%s/pages/%s.page" % (b, name), "\n".join([
                '<apex:page controller="%s"%s renderAs="pdf" applyBodyTag="false">' % (refs.ref(t, "ApexClass", m.name + "Controller"), ext),
                '    <apex:stylesheet value="{!$Resource.%s}"/>' % refs.ref(t, "StaticResource", "AcmeBrand"),
                '    <c:%s title="{!$Label.c.%s}"/>' % (refs.ref(t, "VisualforceComponent", "AcmeLetterhead"), refs.ref(t, "CustomLabel", label)),
                '    <p>%s report generated {!NOW()}</p>' % m.entity,
                "</apex:page>"]) + "\n")
            put("%s/pages/%s.page-meta.xml" % (b, name), simple_meta("ApexPage", [
                "<availableInTouch>false</availableInTouch>",
                "<confirmationTokenRequired>false</confirmationTokenRequired>", "<label>%s</label>" % name]))
        # record-triggered Flow
        if mr.random() < 0.5:
            name = "%s_Record_Flow" % m.name
            refs.declare("Flow", name, t)
            n_flows += 1
            sub = "%s_Notify" % m.team_prefix if mr.random() < 0.5 else "Send_Team_Notification"
            lookup = []
            if has_obj:
                lookup = ["    <recordLookups>", "        <name>Find_Open</name>", "        <label>Find Open</label>",
                          "        <locationX>176</locationX>", "        <locationY>215</locationY>",
                          "        <assignNullValuesIfNoRecordsFound>true</assignNullValuesIfNoRecordsFound>",
                          "        <connector>", "            <targetReference>Run_Action</targetReference>", "        </connector>",
                          "        <filterLogic>and</filterLogic>",
                          "        <filters>", "            <field>%s</field>" % refs.ref(t, "CustomField", m.obj + ".Status__c").split(".")[1],
                          "            <operator>EqualTo</operator>",
                          "            <value>", "                <stringValue>Ready</stringValue>", "            </value>",
                          "        </filters>",
                          "        <getFirstRecordOnly>true</getFirstRecordOnly>",
                          "        <object>%s</object>" % refs.ref(t, "CustomObject", m.obj),
                          "        <queriedFields>Id</queriedFields>",
                          "        <queriedFields>%s</queriedFields>" % refs.ref(t, "CustomField", m.obj + ".Amount__c").split(".")[1],
                          "        <storeOutputAutomatically>true</storeOutputAutomatically>",
                          "    </recordLookups>"]
                refs.ref(t, "CustomField", m.obj + ".Id")
                refs.ref(t, "CustomObject", m.obj)     # the start element's object
            else:
                refs.ref(t, "CustomObject", m.obj)
            body = ["<Flow %s>" % MD_NS,
                    "    <actionCalls>", "        <name>Run_Action</name>", "        <label>Run Action</label>",
                    "        <locationX>176</locationX>", "        <locationY>323</locationY>",
                    "        <actionName>%s</actionName>" % refs.ref(t, "ApexClass", m.name + "Controller"),
                    "        <actionType>apex</actionType>",
                    "        <connector>", "            <targetReference>Notify</targetReference>", "        </connector>",
                    "        <flowTransactionModel>CurrentTransaction</flowTransactionModel>",
                    "    </actionCalls>",
                    "    <apiVersion>%s</apiVersion>" % API_VERSION,
                    "    <label>%s</label>" % name.replace("_", " "),
                    "    <processType>AutoLaunchedFlow</processType>"] + lookup + [
                    "    <start>", "        <locationX>50</locationX>", "        <locationY>0</locationY>",
                    "        <connector>",
                    "            <targetReference>%s</targetReference>" % ("Find_Open" if has_obj else "Run_Action"),
                    "        </connector>",
                    "        <object>%s</object>" % m.obj,
                    "        <recordTriggerType>CreateAndUpdate</recordTriggerType>",
                    "        <triggerType>RecordAfterSave</triggerType>", "    </start>",
                    "    <status>Active</status>",
                    "    <subflows>", "        <name>Notify</name>", "        <label>Notify</label>",
                    "        <locationX>176</locationX>", "        <locationY>431</locationY>",
                    "        <flowName>%s</flowName>" % refs.ref(t, "Flow", sub),
                    "    </subflows>", "</Flow>"]
            put("%s/flows/%s.flow-meta.xml" % (b, name), XML_HEAD + "\n".join(body) + "\n")
    counts["lwc_bundles"] = 2 + len(lists) + len(cards)
    counts["aura_bundles"] = 1 + len(panels)
    counts["visualforce_pages"] = len(pages)
    counts["visualforce_components"] = 1
    counts["flows"] = n_flows
    counts["lwc_jest_tests_forceignored"] = n_jest

    # --- FlexiPages: record pages placing the team's components and some of other teams' ------
    n_pages = 0
    for m in all_modules:
        if mr.random() >= 0.2:
            continue
        t = m.team_dir
        name = "%s_Record_Page" % m.name
        refs.declare("FlexiPage", name, t)
        n_pages += 1
        placed = [lists[m.name]] + ([panels[m.name]] if m.name in panels else [])
        placed += [lists[o.name] for o in mr.sample(all_modules, mr.randint(1, 2))]
        items = []
        for c in placed:
            kind = "Aura" if c.endswith("Panel") and c in panels.values() else "Lwc"
            items += ["        <itemInstances>", "            <componentInstance>",
                      "                <componentName>c:%s</componentName>" % refs.ref(t, kind, c),
                      "                <identifier>c_%s</identifier>" % c,
                      "            </componentInstance>", "        </itemInstances>"]
        put("%s/flexipages/%s.flexipage-meta.xml" % (base(t), name), XML_HEAD + "\n".join(
            ["<FlexiPage %s>" % MD_NS, "    <flexiPageRegions>",
             "        <itemInstances>", "            <componentInstance>",
             "                <componentName>force:highlightsPanel</componentName>",
             "                <identifier>force_highlightsPanel</identifier>",
             "            </componentInstance>", "        </itemInstances>"] + items + [
             "        <mode>Replace</mode>", "        <name>main</name>", "        <type>Region</type>",
             "    </flexiPageRegions>",
             "    <masterLabel>%s Record Page</masterLabel>" % m.entity,
             "    <sobjectType>%s</sobjectType>" % refs.ref(t, "CustomObject", m.obj),
             "    <template>", "        <name>flexipage:recordHomeTemplateDesktop</name>", "    </template>",
             "    <type>RecordPage</type>", "</FlexiPage>"]) + "\n")
    counts["flexipages"] = n_pages

    # --- permission sets (per team, one per ten modules) and profiles (shared) ----------------
    def access_xml(t, classes, pages_, objs):
        """The class, field, object and page grants of a permission set or profile."""
        cx, fx, ox, px = [], [], [], []
        for c in sorted(set(classes)):
            cx += ["    <classAccesses>", "        <apexClass>%s</apexClass>" % refs.ref(t, "ApexClass", c),
                   "        <enabled>true</enabled>", "    </classAccesses>"]
        for e in sorted(set(objs)):
            for f in objects[e][1]:
                fx += ["    <fieldPermissions>", "        <editable>false</editable>",
                       "        <field>%s</field>" % refs.ref(t, "CustomField", "%s__c.%s" % (e, f)),
                       "        <readable>true</readable>", "    </fieldPermissions>"]
            ox += ["    <objectPermissions>", "        <allowCreate>false</allowCreate>",
                   "        <allowDelete>false</allowDelete>", "        <allowEdit>true</allowEdit>",
                   "        <allowRead>true</allowRead>", "        <modifyAllRecords>false</modifyAllRecords>",
                   "        <object>%s</object>" % refs.ref(t, "CustomObject", e + "__c"),
                   "        <viewAllRecords>false</viewAllRecords>", "    </objectPermissions>"]
        for p in sorted(set(pages_)):
            px += ["    <pageAccesses>", "        <apexPage>%s</apexPage>" % refs.ref(t, "VisualforcePage", p),
                   "        <enabled>true</enabled>", "    </pageAccesses>"]
        return cx, fx, ox, px

    n_sets = 0
    for t, p in TEAMS:
        mods = team_modules[t]
        for k in range(0, len(mods), 10):
            chunk = mods[k:k + 10]
            name = "%s_Access_%d" % (p, k // 10 + 1)
            refs.declare("PermissionSet", name, t)
            n_sets += 1
            extra = mr.sample(all_modules, 2)
            cx, fx, ox, px = access_xml(t, [x.name + "Controller" for x in chunk + extra],
                                        [pages[x.name] for x in chunk if x.name in pages],
                                        [x.entity for x in chunk if x.entity in objects])
            put("%s/permissionsets/%s.permissionset-meta.xml" % (base(t), name), XML_HEAD + "\n".join(
                ["<PermissionSet %s>" % MD_NS] + cx
                + ["    <description>Access for %s modules %d-%d.</description>" % (t, k + 1, k + len(chunk))]
                + fx + ["    <hasActivationRequired>false</hasActivationRequired>",
                        "    <label>%s</label>" % name.replace("_", " ")]
                + ox + px + ["</PermissionSet>"]) + "\n")
    counts["permission_sets"] = n_sets
    for name in PROFILES:
        refs.declare("Profile", name, SHARED)
        cx, fx, ox, px = access_xml(SHARED,
                                    [x.name + "Controller" for x in mr.sample(all_modules, min(150, len(all_modules)))],
                                    mr.sample(sorted(pages.values()), min(30, len(pages))), obj_names)
        put("%s/profiles/%s.profile-meta.xml" % (sb, name), XML_HEAD + "\n".join(
            ["<Profile %s>" % MD_NS] + cx + ["    <custom>true</custom>"] + fx + ox + px
            + ["    <userLicense>Salesforce</userLicense>", "</Profile>"]) + "\n")
    counts["profiles"] = len(PROFILES)
    counts["references"] = {"total": refs.total, "cross_team": refs.cross, "unresolved": refs.unresolved}
    return out, counts


# --------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output directory (created; must be empty or absent)")
    ap.add_argument("--classes", type=int, default=10000, help="number of .cls files (default 10000)")
    ap.add_argument("--seed", type=int, default=20240611, help="random seed (default 20240611)")
    ap.add_argument("--class-bytes", type=int, default=11000,
                    help="mean size of a non-interface class in bytes (default 11000, ~100 MB per 10k classes)")
    ap.add_argument("--force", action="store_true", help="write into a non-empty directory")
    ap.add_argument("--no-metadata", action="store_true",
                    help="write only the Apex part (no LWC, Aura, Visualforce, Flows, objects, labels, ...)")
    a = ap.parse_args(argv)

    if a.classes < 60:
        ap.error("--classes must be at least 60")
    if os.path.isdir(a.out) and os.listdir(a.out) and not a.force:
        ap.error("%s is not empty (use --force)" % a.out)

    r = random.Random(a.seed)
    stats = Stats()
    files = {}  # relative path -> text

    def add_class(team_dir, name, text, test=False):
        assert len(name) <= 40, name
        path = "%s/main/default/classes/%s.cls" % (team_dir, name)
        assert path not in files, path
        files[path] = (text, test)

    for name, text in SHARED_CLASSES.items():
        add_class(SHARED, name, text, test=text.startswith("@IsTest"))

    infra = len(SHARED_CLASSES) + len(TEAMS)
    n_modules = (a.classes - infra) // 9
    n_utils = a.classes - infra - 9 * n_modules

    # assign modules to teams round-robin, entities without repetition inside a team
    team_modules = {t: [] for t, _ in TEAMS}
    used_names = set()
    for i in range(n_modules):
        team_dir, prefix = TEAMS[i % len(TEAMS)]
        ents = [e for e in ENTITIES if prefix + e not in used_names]
        ent = r.choice(ents) if ents else r.choice(ENTITIES)
        name = prefix + ent
        n = 2
        while name in used_names:
            name = "%s%s%d" % (prefix, ent, n)
            n += 1
        used_names.add(name)
        m = Module(team_dir, prefix, ent, name, r)
        # cross-module chain: process() pushes a module created earlier in the same team
        if team_modules[team_dir] and r.random() < 0.35:
            m.dep = r.choice(team_modules[team_dir])
        team_modules[team_dir].append(m)

    def target():
        return max(3000, int(r.gauss(a.class_bytes, a.class_bytes * 0.3)))

    for team_dir, prefix in TEAMS:
        mods = team_modules[team_dir]
        add_class(team_dir, "%sApplication" % prefix, gen_application(prefix, mods))
        for m in mods:
            add_class(team_dir, m.iface, gen_interface(m, r))
            add_class(team_dir, m.name + "Selector", gen_selector(m, r, target()))
            add_class(team_dir, m.name + "Service", gen_service(m, r, target()))
            add_class(team_dir, m.name + "Client", gen_client(m, r, target(), stats))
            add_class(team_dir, m.name + "SyncJob", gen_job(m, r, target()))
            add_class(team_dir, m.name + "Controller", gen_controller(m, r, target()))
            add_class(team_dir, m.name + "ServiceTest", gen_service_test(m, r, target(), stats), True)
            add_class(team_dir, m.name + "ClientTest", gen_client_test(m, r, target(), stats), True)
            add_class(team_dir, m.name + "SyncJobTest", gen_job_test(m, r, target(), stats), True)
    for k in range(n_utils):
        team_dir, prefix = TEAMS[k % len(TEAMS)]
        name, text = gen_util(prefix, k + 1, r)
        add_class(team_dir, name, text)

    os.makedirs(a.out, exist_ok=True)
    project = {
        "packageDirectories": [{"path": SHARED, "default": True}] + [{"path": t} for t, _ in TEAMS],
        "name": "synthetic-enterprise",
        "namespace": "",
        "sfdcLoginUrl": "https://login.salesforce.com",
        "sourceApiVersion": API_VERSION,
    }
    total = 0
    cls_bytes = 0
    nfiles = 0

    def write(rel, data):
        nonlocal total, nfiles
        p = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        b = data.encode("utf-8")
        with open(p, "wb") as fh:
            fh.write(b)
        total += len(b)
        nfiles += 1
        return len(b)

    write("sfdx-project.json", json.dumps(project, indent=2) + "\n")
    write(".forceignore", "package.xml\n**/jsconfig.json\n**/.eslintrc.json\n**/__tests__/**\n")
    meta = meta_xml()
    tests = 0
    for rel in sorted(files):
        text, test = files[rel]
        cls_bytes += write(rel, text)
        write(rel + "-meta.xml", meta)
        tests += test

    apex_files, apex_bytes = nfiles, total
    meta_counts = None
    if not a.no_metadata:
        class_team = {}
        for rel in files:
            class_team[os.path.basename(rel)[:-4]] = rel.split("/", 1)[0]
        mfiles, meta_counts = gen_metadata(team_modules, class_team, a.seed)
        for rel in sorted(mfiles):
            write(rel, mfiles[rel])
        meta_counts["files"] = nfiles - apex_files
        meta_counts["bytes"] = total - apex_bytes

    manifest = {
        "generator": "benches/gen_corpus.py",
        "seed": a.seed,
        "classes": len(files),
        "test_classes": tests,
        "modules": n_modules,
        "teams": len(TEAMS) + 1,
        "files": apex_files,
        "cls_bytes": cls_bytes,
        "total_bytes": apex_bytes,
        "expected_findings": {
            "callout-without-mock": stats.mock,
            "callout-without-timeout": stats.timeout,
            "hardcoded-endpoint": stats.endpoint,
        },
        "suppressed_callout_without_timeout": stats.suppressed_timeout,
        "test_methods_reaching_callouts": stats.callout_tests,
    }
    if meta_counts is not None:
        manifest["metadata"] = meta_counts
        manifest["all_files"] = nfiles
        manifest["all_bytes"] = total
    with open(os.path.join(a.out, "corpus-manifest.json"), "w") as fh:
        fh.write(json.dumps(manifest, indent=2) + "\n")
    print("wrote %d files, %d bytes (%.1f MB) to %s; %d .cls files = %d bytes (%.1f MB), %d of them tests"
          % (apex_files, apex_bytes, apex_bytes / 1e6, a.out, len(files), cls_bytes, cls_bytes / 1e6, tests))
    if meta_counts is not None:
        print("metadata: %d more files, %d bytes: %d LWC, %d Aura, %d Visualforce pages, %d flows, "
              "%d FlexiPages, %d permission sets, %d profiles, %d objects with %d fields, %d labels; "
              "%d references (%d cross-team, %d unresolved)"
              % (meta_counts["files"], meta_counts["bytes"], meta_counts["lwc_bundles"],
                 meta_counts["aura_bundles"], meta_counts["visualforce_pages"], meta_counts["flows"],
                 meta_counts["flexipages"], meta_counts["permission_sets"], meta_counts["profiles"],
                 meta_counts["custom_objects"], meta_counts["custom_fields"], meta_counts["custom_labels"],
                 meta_counts["references"]["total"], meta_counts["references"]["cross_team"],
                 meta_counts["references"]["unresolved"]))
    print("(plus corpus-manifest.json with these counts)")
    print("seeded findings: %s" % json.dumps(manifest["expected_findings"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
