//! Rule tests on inline Apex: each asserts the findings a user would see
//! (rule, file, line, symbol, chain) for one case named in the rule docs.

use super::*;
use crate::apex::parse::parse_file;

#[derive(Debug)]
struct Out {
    rule: &'static str,
    file: String,
    line: u32,
    symbol: Option<String>,
    message: String,
}

fn lint(files: &[(&str, &str)]) -> Vec<Out> {
    let models = files
        .iter()
        .map(|(rel, src)| parse_file(rel, src.as_bytes()))
        .collect();
    let idx = Index::build(models);
    let mut hits = check_all(&idx);
    let ids = rule_ids();
    let sup = suppress::Suppressions::collect(&idx, &ids, &mut hits);
    let mut out: Vec<Out> = hits
        .into_iter()
        .filter(|h| h.rule == invalid_suppression::RULE.id || !sup.covers(&idx, h))
        .map(|h| Out {
            rule: h.rule,
            file: idx.files[h.file as usize].rel.clone(),
            line: h.line,
            symbol: h.symbol.clone(),
            message: h.message.clone(),
        })
        .collect();
    out.sort_by(|a, b| (&a.file, a.line, a.rule).cmp(&(&b.file, b.line, b.rule)));
    out
}

fn of<'a>(out: &'a [Out], rule: &str) -> Vec<&'a Out> {
    out.iter().filter(|o| o.rule == rule).collect()
}

const SERVICE: &str = "public with sharing class ExternalSyncService {
    public static void syncAccounts(List<Id> ids) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:External/sync');
        req.setTimeout(20000);
        Http http = new Http();
        HttpResponse res = http.send(req);
    }
}";

const FACADE: &str = "public class AccountFacade {
    public static void run() {
        ExternalSyncService.syncAccounts(new List<Id>());
    }
}";

#[test]
fn chain_through_facade_and_service() {
    let test = "@IsTest
private class AccountFacadeTest {
    @IsTest
    static void testSync() {
        Test.startTest();
        AccountFacade.run();
        Test.stopTest();
    }
}";
    let out = lint(&[
        ("classes/ExternalSyncService.cls", SERVICE),
        ("classes/AccountFacade.cls", FACADE),
        ("classes/AccountFacadeTest.cls", test),
    ]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert_eq!(f[0].file, "classes/AccountFacadeTest.cls");
    assert_eq!(f[0].line, 4);
    assert_eq!(f[0].symbol.as_deref(), Some("AccountFacadeTest.testSync"));
    assert!(
        f[0].message.ends_with(
            "testSync → AccountFacade.run → ExternalSyncService.syncAccounts → Http.send (ExternalSyncService.cls:7)"
        ),
        "{}",
        f[0].message
    );
    assert!(of(&out, "callout-without-timeout").is_empty());
}

#[test]
fn mock_before_callout_is_clean_and_after_is_not() {
    let test = "@IsTest
private class T {
    @IsTest static void before() {
        Test.setMock(HttpCalloutMock.class, new M());
        AccountFacade.run();
    }
    @IsTest static void after() {
        AccountFacade.run();
        Test.setMock(HttpCalloutMock.class, new M());
    }
}";
    let out = lint(&[
        ("ExternalSyncService.cls", SERVICE),
        ("AccountFacade.cls", FACADE),
        ("T.cls", test),
    ]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert_eq!(f[0].symbol.as_deref(), Some("T.after"));
    assert_eq!(f[0].line, 7);
}

#[test]
fn mock_in_comment_or_string_is_not_a_mock() {
    let test = "@IsTest
private class T {
    @IsTest static void commented() {
        // Test.setMock(HttpCalloutMock.class, new M());
        /* Test.setMock(HttpCalloutMock.class, new M()); */
        String s = 'Test.setMock(HttpCalloutMock.class, new M())';
        AccountFacade.run();
    }
}";
    let out = lint(&[
        ("ExternalSyncService.cls", SERVICE),
        ("AccountFacade.cls", FACADE),
        ("T.cls", test),
    ]);
    assert_eq!(of(&out, "callout-without-mock").len(), 1, "{out:?}");
}

#[test]
fn all_caps_lowercase_test_method_keyword_and_multiline_setmock() {
    let caps = "@ISTEST
PRIVATE CLASS CAPSTEST {
    STATIC TESTMETHOD VOID TESTIT() {
        ACCOUNTFACADE.RUN();
    }
    @ISTEST STATIC VOID MOCKED() {
        SYSTEM.TEST.SETMOCK(
            HTTPCALLOUTMOCK.CLASS,
            NEW M()
        );
        ACCOUNTFACADE.RUN();
    }
}";
    let lower = "@istest
private class lowertest {
    static testmethod void testit() {
        accountfacade.run();
    }
    @istest static void mocked() {
        system.Test
            .setMock(httpcalloutmock.class,
                     new m());
        accountfacade.run();
    }
}";
    let out = lint(&[
        ("ExternalSyncService.cls", SERVICE),
        ("AccountFacade.cls", FACADE),
        ("CAPSTEST.cls", caps),
        ("lowertest.cls", lower),
    ]);
    let f = of(&out, "callout-without-mock");
    let syms: Vec<_> = f.iter().map(|o| o.symbol.clone().unwrap()).collect();
    assert_eq!(syms, vec!["CAPSTEST.TESTIT", "lowertest.testit"], "{out:?}");
}

#[test]
fn interface_call_reaches_every_implementation() {
    let iface = "public interface IPaymentGateway { void charge(Decimal amount); }";
    let stripe = "public class StripeGateway implements IPaymentGateway {
    public void charge(Decimal amount) {
        HttpRequest r = new HttpRequest();
        r.setTimeout(1000);
        new Http().send(r);
    }
}";
    let noop =
        "public class NoopGateway implements IPaymentGateway { public void charge(Decimal a) {} }";
    let app = "public class Application {
    public static Object newInstance(Type t) { return t.newInstance(); }
}";
    let svc = "public class PaymentService {
    private IPaymentGateway gateway;
    public PaymentService() {
        gateway = (IPaymentGateway) Application.newInstance(IPaymentGateway.class);
    }
    public void pay(Decimal amount) { gateway.charge(amount); }
    public static IPaymentGateway gw() { return (IPaymentGateway) Application.newInstance(IPaymentGateway.class); }
}";
    let test = "@IsTest
private class PaymentServiceTest {
    @IsTest static void viaField() {
        new PaymentService().pay(10);
    }
    @IsTest static void viaReturnType() {
        PaymentService.gw().charge(5);
    }
}";
    let out = lint(&[
        ("IPaymentGateway.cls", iface),
        ("StripeGateway.cls", stripe),
        ("NoopGateway.cls", noop),
        ("Application.cls", app),
        ("PaymentService.cls", svc),
        ("PaymentServiceTest.cls", test),
    ]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 2, "{out:?}");
    assert!(f[0].message.contains(
        "viaField → PaymentService.pay → StripeGateway.charge → Http.send (StripeGateway.cls:5)"
    ), "{}", f[0].message);
    assert!(
        f[1].message
            .contains("viaReturnType → StripeGateway.charge → Http.send"),
        "{}",
        f[1].message
    );
}

#[test]
fn virtual_override_and_inner_classes() {
    let base = "public virtual class Notifier {
    public virtual void send(String msg) {}
    public class Webhook extends Notifier {
        public override void send(String msg) {
            HttpRequest q = new HttpRequest();
            q.setTimeout(5000);
            new Http().send(q);
        }
    }
}";
    let test = "@IsTest
private class NotifierTest {
    @IsTest static void viaBase() {
        Notifier n = new Notifier();
        n.send('x');
    }
    @IsTest static void viaInner() {
        Notifier.Webhook w = new Notifier.Webhook();
        w.send('x');
    }
}";
    let out = lint(&[("Notifier.cls", base), ("NotifierTest.cls", test)]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 2, "{out:?}");
    assert!(
        f[1].message
            .contains("viaInner → Notifier.Webhook.send → Http.send (Notifier.cls:7)"),
        "{}",
        f[1].message
    );
}

const QUEUEABLE: &str = "public class SyncJob implements Queueable, Database.AllowsCallouts {
    public void execute(QueueableContext ctx) {
        HttpRequest req = new HttpRequest();
        req.setTimeout(1000);
        new Http().send(req);
    }
}";

#[test]
fn async_work_runs_at_stop_test() {
    let test = "@IsTest
private class SyncJobTest {
    @IsTest static void mockAfterEnqueueBeforeStop() {
        Test.startTest();
        System.enqueueJob(new SyncJob());
        Test.setMock(HttpCalloutMock.class, new M());
        Test.stopTest();
    }
    @IsTest static void noMock() {
        Test.startTest();
        System.enqueueJob(new SyncJob());
        Test.stopTest();
    }
    @IsTest static void mockAfterStop() {
        Test.startTest();
        System.enqueueJob(new SyncJob());
        Test.stopTest();
        Test.setMock(HttpCalloutMock.class, new M());
    }
}";
    let out = lint(&[("SyncJob.cls", QUEUEABLE), ("SyncJobTest.cls", test)]);
    let f = of(&out, "callout-without-mock");
    let syms: Vec<_> = f.iter().map(|o| o.symbol.clone().unwrap()).collect();
    assert_eq!(
        syms,
        vec!["SyncJobTest.noMock", "SyncJobTest.mockAfterStop"],
        "{out:?}"
    );
    assert!(
        f[0].message
            .contains("noMock → SyncJob.execute (async) → Http.send (SyncJob.cls:5)"),
        "{}",
        f[0].message
    );
}

#[test]
fn future_and_batch() {
    let svc = "public class Outbound {
    @future(callout=true)
    public static void push(Set<Id> ids) {
        HttpRequest req = new HttpRequest();
        req.setTimeout(1000);
        new Http().send(req);
    }
    public static void trigger(Set<Id> ids) { push(ids); }
}";
    let batch = "public class SyncBatch implements Database.Batchable<SObject>, Database.AllowsCallouts {
    public Database.QueryLocator start(Database.BatchableContext bc) { return null; }
    public void execute(Database.BatchableContext bc, List<SObject> scope) { Outbound.trigger(null); }
    public void finish(Database.BatchableContext bc) {}
}";
    let test = "@IsTest
private class OutboundTest {
    @IsTest static void future() {
        Test.startTest();
        Outbound.trigger(new Set<Id>());
        Test.setMock(HttpCalloutMock.class, new M());
        Test.stopTest();
    }
    @IsTest static void batch() {
        Test.startTest();
        Database.executeBatch(new SyncBatch(), 10);
        Test.stopTest();
    }
}";
    let out = lint(&[
        ("Outbound.cls", svc),
        ("SyncBatch.cls", batch),
        ("OutboundTest.cls", test),
    ]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert_eq!(f[0].symbol.as_deref(), Some("OutboundTest.batch"));
    assert!(f[0].message.contains("batch → SyncBatch.execute (async) → Outbound.trigger → Outbound.push (async) → Http.send"), "{}", f[0].message);
}

#[test]
fn soap_stub_needs_webservice_mock() {
    let stub = "public class BillingStub {
    public class BillingPort {
        public String endpoint_x = 'https://billing.example.com/soap';
        public String createInvoice(String acct) {
            Map<String, Object> response_map_x = new Map<String, Object>();
            WebServiceCallout.invoke(this, null, response_map_x, new String[]{endpoint_x, '', 'urn', 'createInvoice'});
            return null;
        }
    }
}";
    let test = "@IsTest
private class BillingTest {
    @IsTest static void httpMockOnly() {
        Test.setMock(HttpCalloutMock.class, new M());
        new BillingStub.BillingPort().createInvoice('a');
    }
    @IsTest static void soapMock() {
        Test.setMock(WebServiceMock.class, new BillingMock());
        new BillingStub.BillingPort().createInvoice('a');
    }
}";
    let out = lint(&[("BillingStub.cls", stub), ("BillingTest.cls", test)]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert_eq!(f[0].symbol.as_deref(), Some("BillingTest.httpMockOnly"));
    assert!(f[0].message.contains("a SOAP callout"), "{}", f[0].message);
    assert!(
        f[0].message
            .contains("WebServiceCallout.invoke (BillingStub.cls:6)"),
        "{}",
        f[0].message
    );
}

#[test]
fn helper_and_factory_mocks_count_static_resource_mock_and_run_as() {
    let factory = "@IsTest
public class MockFactory {
    public static void httpOk() {
        StaticResourceCalloutMock m = new StaticResourceCalloutMock();
        m.setStaticResource('sync_ok');
        Test.setMock(HttpCalloutMock.class, m);
    }
}";
    let test = "@IsTest
private class T {
    static void setup() { Test.setMock(HttpCalloutMock.class, new M()); }
    @IsTest static void viaHelper() {
        setup();
        AccountFacade.run();
    }
    @IsTest static void viaFactory() {
        MockFactory.httpOk();
        AccountFacade.run();
    }
    @IsTest static void runAsUnmocked() {
        User u = new User();
        System.runAs(u) {
            AccountFacade.run();
        }
    }
}";
    let out = lint(&[
        ("ExternalSyncService.cls", SERVICE),
        ("AccountFacade.cls", FACADE),
        ("MockFactory.cls", factory),
        ("T.cls", test),
    ]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert_eq!(f[0].symbol.as_deref(), Some("T.runAsUnmocked"));
    assert_eq!(f[0].line, 12);
}

#[test]
fn scenario_three_direct_callout_in_test() {
    let test = "@isTest
public class AccountIntegrationTest {
    @isTest
    static void testExternalSync() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://external-api.example.com/sync');
        req.setMethod('POST');

        Http http = new Http();
        HttpResponse res = http.send(req);

        System.assertEquals(200, res.getStatusCode());
    }
}";
    let out = lint(&[("AccountIntegrationTest.cls", test)]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].line, 4);
    assert!(
        f[0].message
            .ends_with("testExternalSync → Http.send (AccountIntegrationTest.cls:10)"),
        "{}",
        f[0].message
    );
    // Test code is not judged for timeouts; a real URL in a test is an endpoint finding.
    assert!(of(&out, "callout-without-timeout").is_empty());
    let e = of(&out, "hardcoded-endpoint");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 6);
}

#[test]
fn timeouts_tracked_per_variable() {
    let src = "public class Client {
    public void two() {
        HttpRequest a = new HttpRequest();
        a.setTimeout(5000);
        HttpRequest b = new HttpRequest();
        b.setEndpoint('callout:X');
        Http h = new Http();
        h.send(a);
        h.send(b);
    }
    public void builtNeverSent() {
        HttpRequest c = new HttpRequest();
        c.setEndpoint('callout:X');
    }
    public void timeoutAfterSend() {
        HttpRequest d = new HttpRequest();
        new Http().send(d);
        d.setTimeout(100);
    }
    public void handedToHelper() {
        HttpRequest e = new HttpRequest();
        RequestDefaults.apply(e);
        new Http().send(e);
    }
    public void inline() { new Http().send(new HttpRequest()); }
}";
    let out = lint(&[("Client.cls", src)]);
    let f = of(&out, "callout-without-timeout");
    let lines: Vec<u32> = f.iter().map(|o| o.line).collect();
    assert_eq!(lines, vec![9, 17, 25], "{out:?}");
    assert!(
        f[0].message.contains("`b` (created at line 5)"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].symbol.as_deref(), Some("Client.two"));
}

#[test]
fn hardcoded_endpoints_literal_constant_and_named_credential() {
    let src = "public class Endpoints {
    private static final String ENDPOINT = 'https://api.example.com/v1';
    public static final String NAMED = 'callout:Example/v1';
    public void a() { HttpRequest r = new HttpRequest(); r.setEndpoint('https://api.example.com/x?token=s3cr3t'); }
    public void b() { HttpRequest r = new HttpRequest(); r.setEndpoint(ENDPOINT); }
    public void c() { HttpRequest r = new HttpRequest(); r.setEndpoint(NAMED); }
    public void d() { HttpRequest r = new HttpRequest(); r.setEndpoint(ENDPOINT + '/items'); }
    public void e() { HttpRequest r = new HttpRequest(); r.setEndpoint(Other.BASE); }
    public void f() { HttpRequest r = new HttpRequest(); String u = 'http://plain.example.com'; r.setEndpoint(u); }
}";
    let other =
        "public class Other { public static final String BASE = 'https://other.example.com'; }";
    let out = lint(&[("Endpoints.cls", src), ("Other.cls", other)]);
    let f = of(&out, "hardcoded-endpoint");
    let lines: Vec<u32> = f.iter().map(|o| o.line).collect();
    assert_eq!(lines, vec![4, 5, 7, 8, 9], "{out:?}");
    assert!(
        !f[0].message.contains("s3cr3t"),
        "query strings are not shown: {}",
        f[0].message
    );
    assert!(
        f[1].message.contains("through the constant ENDPOINT"),
        "{}",
        f[1].message
    );
}

#[test]
fn hardcoded_endpoints_through_locals_constants_and_format() {
    let src = "public class Flows {
    private static final String BASE_URL = 'https://api.example.com';
    private static final String V1 = 'https://v1.example.com' + '/v1';
    private static final String V2 = BASE_URL + '/v2';
    private static final String FMT = 'https://fmt.example.com/{0}';
    public void copied() { HttpRequest r = new HttpRequest(); String u = BASE_URL; u += '/x'; r.setEndpoint(u); }
    public void later() { HttpRequest r = new HttpRequest(); String u; u = 'https://late.example.com'; r.setEndpoint(u); }
    public void declConcat(String p) { HttpRequest r = new HttpRequest(); String u = 'https://cat.example.com' + p; r.setEndpoint(u); }
    public void format(List<Object> a) { HttpRequest r = new HttpRequest(); r.setEndpoint(String.format('https://f.example.com/{0}', a)); }
    public void formatConst(List<Object> a) { HttpRequest r = new HttpRequest(); r.setEndpoint(String.format(FMT, a)); }
    public void constConcat() { HttpRequest r = new HttpRequest(); r.setEndpoint(V1); }
    public void constOfConst() { HttpRequest r = new HttpRequest(); r.setEndpoint(V2 + '/items'); }
    public void formatLocal(List<Object> a) { HttpRequest r = new HttpRequest(); String u = String.format(FMT, a); r.setEndpoint(u); }
    public void selfConcat() { HttpRequest r = new HttpRequest(); String u = 'https://self.example.com'; u = u + '/x'; r.setEndpoint(u); }
}";
    let out = lint(&[("Flows.cls", src)]);
    let got: Vec<(u32, &str)> = of(&out, "hardcoded-endpoint")
        .iter()
        .map(|o| (o.line, o.message.as_str()))
        .collect();
    let named = "; use a Named Credential (callout:Name/path)";
    let want: Vec<(u32, String)> = [
        (6, "https://api.example.com (through the constant BASE_URL)"),
        (7, "https://late.example.com"),
        (8, "https://cat.example.com"),
        (9, "https://f.example.com/{0}"),
        (10, "https://fmt.example.com/{0} (through the constant FMT)"),
        (11, "https://v1.example.com (through the constant V1)"),
        (12, "https://api.example.com (through the constant V2)"),
        (13, "https://fmt.example.com/{0} (through the constant FMT)"),
        (14, "https://self.example.com"),
    ]
    .into_iter()
    .map(|(l, m)| (l, format!("setEndpoint uses the hard-coded URL {m}{named}")))
    .collect();
    let want: Vec<(u32, &str)> = want.iter().map(|(l, m)| (*l, m.as_str())).collect();
    assert_eq!(got, want);
}

#[test]
fn endpoints_whose_host_is_not_literal_are_not_reported() {
    let src = "public class Hosts {
    private static final String HOST_FMT = 'https://{0}/v1';
    private static final String A = B;
    private static final String B = A + '/x';
    public void scheme(String host) { HttpRequest r = new HttpRequest(); r.setEndpoint('https://' + host); }
    public void settings() { HttpRequest r = new HttpRequest(); r.setEndpoint('https://' + Settings.host + '/x'); }
    public void named(String path) { HttpRequest r = new HttpRequest(); r.setEndpoint('callout:Foo' + path); }
    public void namedFormat(List<Object> a) { HttpRequest r = new HttpRequest(); r.setEndpoint(String.format('callout:{0}', a)); }
    public void hostFormat(List<Object> a) { HttpRequest r = new HttpRequest(); r.setEndpoint(String.format(HOST_FMT, a)); }
    public void reassigned(Config__c c) { HttpRequest r = new HttpRequest(); String u = 'https://default.example.com'; u = c.Url__c; r.setEndpoint(u); }
    public void schemeLocal(String host) { HttpRequest r = new HttpRequest(); String u = 'https://'; u += host; r.setEndpoint(u); }
    public void partialHost(String env) { HttpRequest r = new HttpRequest(); r.setEndpoint('https://api.' + env + '.example.com/x'); }
    public void localhost(String port) { HttpRequest r = new HttpRequest(); r.setEndpoint('https://localhost' + port); }
    public void cycle() { HttpRequest r = new HttpRequest(); r.setEndpoint(A); }
    public void unused(List<Object> a) { HttpRequest r = new HttpRequest(); String s = String.format('https://x.example.com/{0}', a); r.setEndpoint(s.left(0) + Settings.url); }
}";
    let out = lint(&[("Hosts.cls", src)]);
    assert!(of(&out, "hardcoded-endpoint").is_empty(), "{out:?}");
}

#[test]
fn suppressions_valid_and_invalid() {
    let src = "public class Client {
    public void a() {
        HttpRequest r = new HttpRequest();
        // sfci-ignore callout-without-timeout: the vendor gateway enforces 5 s
        new Http().send(r);
    }
    public void b() {
        HttpRequest r = new HttpRequest();
        new Http().send(r); // sfci-ignore callout-without-timeout
    }
    public void c() {
        HttpRequest r = new HttpRequest();
        // sfci-ignore callout-without-timout: typo
        new Http().send(r);
    }
    @SuppressWarnings('PMD.ApexDoc, sfci:hardcoded-endpoint: sandbox-only diagnostics')
    public void d() { HttpRequest r = new HttpRequest(); r.setTimeout(1); r.setEndpoint('https://diag.example.com'); }
    @SuppressWarnings('sfci:hardcoded-endpoint')
    public void e() { HttpRequest r = new HttpRequest(); r.setEndpoint('https://diag.example.com'); }
}";
    let out = lint(&[("Client.cls", src)]);
    let timeouts: Vec<u32> = of(&out, "callout-without-timeout")
        .iter()
        .map(|o| o.line)
        .collect();
    assert_eq!(timeouts, vec![9, 14], "{out:?}");
    let endpoints: Vec<u32> = of(&out, "hardcoded-endpoint")
        .iter()
        .map(|o| o.line)
        .collect();
    assert_eq!(endpoints, vec![19]);
    let invalid = of(&out, "invalid-suppression");
    let lines: Vec<u32> = invalid.iter().map(|o| o.line).collect();
    assert_eq!(lines, vec![9, 13, 18], "{out:?}");
    assert!(invalid[0].message.contains("no reason"));
    assert!(invalid[1]
        .message
        .contains("unknown rule `callout-without-timout`"));
}

#[test]
fn suppression_above_annotations_covers_the_test_method() {
    let test = "@IsTest
private class T {
    // sfci-ignore callout-without-mock: the org's test settings mock all callouts (INC-42)
    @IsTest
    static void covered() { AccountFacade.run(); }
    @IsTest
    @SuppressWarnings('sfci:callout-without-mock: exercised against the sandbox stub')
    static void annotated() { AccountFacade.run(); }
}";
    let out = lint(&[
        ("ExternalSyncService.cls", SERVICE),
        ("AccountFacade.cls", FACADE),
        ("T.cls", test),
    ]);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn parse_errors_do_not_stop_the_scan() {
    let out = lint(&[
        ("Broken.cls", "public class Broken {\n  /* never closed\n"),
        ("Str.cls", "public class Str {\n  String s = 'oops;\n}\n"),
        ("Open.cls", "public class Open {\n  void m() {\n"),
        ("Empty.cls", ""),
        (
            "AccountIntegrationTest.cls",
            "@IsTest class A { @IsTest static void t() { new Http().send(new HttpRequest()); } }",
        ),
    ]);
    let pe = of(&out, "parse-error");
    let files: Vec<&str> = pe.iter().map(|o| o.file.as_str()).collect();
    assert_eq!(files, vec!["Broken.cls", "Open.cls", "Str.cls"], "{out:?}");
    assert_eq!(pe[0].line, 2);
    assert!(pe[0].message.contains("unterminated block comment"));
    assert!(pe[2].message.contains("unterminated string"));
    assert_eq!(of(&out, "callout-without-mock").len(), 1);
}

#[test]
fn huge_single_line_file_and_deep_nesting_do_not_crash() {
    let mut big = String::from("public class Big { public void m() { Integer x = 0; ");
    while big.len() < 5 * 1024 * 1024 {
        big.push_str("x = x + foo(bar(1), 'str', new List<Integer>{1,2}); ");
    }
    big.push_str("} }");
    let deep = format!(
        "public class Deep {{ void m() {{ x = {}1{}; }} }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let braces = format!("public class B {{ void m() {} }}", "{".repeat(10000));
    let out = lint(&[("Big.cls", &big), ("Deep.cls", &deep), ("B.cls", &braces)]);
    assert!(of(&out, "callout-without-mock").is_empty());
    // The unclosed braces are reported, the others are fine.
    let pe = of(&out, "parse-error");
    assert_eq!(pe.len(), 1, "{out:?}");
    assert_eq!(pe[0].file, "B.cls");
}

#[test]
fn triggers_and_test_setup() {
    let trig = "trigger AccountTrigger on Account (after insert) {
    Outbound.push(Trigger.newMap.keySet());
}";
    let svc = "public class Outbound {
    public static void push(Set<Id> ids) { HttpRequest r = new HttpRequest(); r.setTimeout(1); new Http().send(r); }
}";
    let test = "@IsTest
private class SetupTest {
    @TestSetup static void makeData() { Outbound.push(null); }
    @IsTest static void ok() {}
}";
    let out = lint(&[
        ("AccountTrigger.trigger", trig),
        ("Outbound.cls", svc),
        ("SetupTest.cls", test),
    ]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert_eq!(f[0].symbol.as_deref(), Some("SetupTest.makeData"));
    assert!(f[0].message.starts_with("test setup makeData"));
}

#[test]
fn recursion_does_not_hang() {
    let src = "public class R {
    public static void a(Integer n) { if (n > 0) b(n - 1); }
    public static void b(Integer n) { a(n); HttpRequest r = new HttpRequest(); r.setTimeout(1); new Http().send(r); }
}";
    let test = "@IsTest class RT { @IsTest static void t() { R.a(3); } }";
    let out = lint(&[("R.cls", src), ("RT.cls", test)]);
    assert_eq!(of(&out, "callout-without-mock").len(), 1, "{out:?}");
}

#[test]
fn branches_that_tests_never_run_are_not_followed() {
    let svc = "public class Guarded {
    public static String positive() {
        if (Test.isRunningTest()) {
            return 'fake';
        } else {
            HttpRequest r = new HttpRequest();
            r.setTimeout(1);
            return new Http().send(r).getBody();
        }
    }
    public static void negated() {
        if (!System.Test.isRunningTest()) {
            HttpRequest r = new HttpRequest();
            r.setTimeout(1);
            new Http().send(r);
        }
    }
    public static void statement() {
        HttpRequest r = new HttpRequest();
        r.setTimeout(1);
        if (!Test.isRunningTest()) new Http().send(r);
    }
    public static void notAGuard(Boolean b) {
        if (!Test.isRunningTest() || b) {
            HttpRequest r = new HttpRequest();
            new Http().send(r);
        }
    }
}";
    let test = "@IsTest
private class GuardedTest {
    @IsTest static void a() { Guarded.positive(); }
    @IsTest static void b() { Guarded.negated(); }
    @IsTest static void c() { Guarded.statement(); }
    @IsTest static void d() { Guarded.notAGuard(true); }
}";
    let out = lint(&[("Guarded.cls", svc), ("GuardedTest.cls", test)]);
    let f = of(&out, "callout-without-mock");
    let syms: Vec<_> = f.iter().map(|o| o.symbol.clone().unwrap()).collect();
    assert_eq!(syms, vec!["GuardedTest.d"], "{out:?}");
    // Production code still needs its timeout, guarded or not.
    let t: Vec<u32> = of(&out, "callout-without-timeout")
        .iter()
        .map(|o| o.line)
        .collect();
    assert_eq!(t, vec![26]);
}

#[test]
fn recursion_does_not_hide_other_tests_findings() {
    // A memoised result cut short by recursion must not be reused by other tests.
    let src = "public class Rec {
    public static Integer n = 0;
    public static void a() { b(); HttpRequest r = new HttpRequest(); r.setTimeout(1); new Http().send(r); }
    public static void b() { if (n++ < 1) { a(); } }
}";
    let test = "@IsTest class ATest {
    @IsTest static void callsA() { Rec.a(); }
    @IsTest static void callsB() { Rec.b(); }
}";
    let out = lint(&[("Rec.cls", src), ("ATest.cls", test)]);
    let syms: Vec<_> = of(&out, "callout-without-mock")
        .iter()
        .map(|o| o.symbol.clone().unwrap())
        .collect();
    assert_eq!(syms, vec!["ATest.callsA", "ATest.callsB"], "{out:?}");
}

#[test]
fn deep_call_chains_are_followed() {
    let n = 1500;
    let mut src = String::from("public class Big {\n");
    for i in 0..n - 1 {
        src.push_str(&format!(
            "    public static void m{i}() {{ m{}(); }}\n",
            i + 1
        ));
    }
    src.push_str(&format!(
        "    public static void m{}() {{ HttpRequest r = new HttpRequest(); r.setTimeout(1); new Http().send(r); }}\n}}\n",
        n - 1
    ));
    let test = "@IsTest class BigTest { @IsTest static void t() { Big.m0(); } }";
    // Deep recursion needs the stack the binary gives its analysis thread.
    let out = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || lint(&[("Big.cls", &src), ("BigTest.cls", test)]))
        .unwrap()
        .join()
        .unwrap();
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert!(
        f[0].message
            .ends_with(&format!("Big.m{} → Http.send (Big.cls:{})", n - 1, n + 1)),
        "{}",
        &f[0].message[f[0].message.len() - 80..]
    );
}

#[test]
fn static_initialisers_run_on_first_use() {
    let svc = "public class Svc {
    public static HttpResponse call() { HttpRequest r = new HttpRequest(); r.setTimeout(1); return new Http().send(r); }
}";
    let boot = "public class Boot {
    static String cfg;
    static { cfg = Svc.call().getBody(); }
    public static void touch() {}
}";
    let test = "@IsTest class BootTest { @IsTest static void t() { Boot.touch(); } }";
    let out = lint(&[("Svc.cls", svc), ("Boot.cls", boot), ("BootTest.cls", test)]);
    let f = of(&out, "callout-without-mock");
    assert_eq!(f.len(), 1, "{out:?}");
    assert!(
        f[0].message
            .ends_with("t → Boot.<init> → Svc.call → Http.send (Svc.cls:2)"),
        "{}",
        f[0].message
    );
}

const CLIENT: &str = "public class Client {
    public static HttpResponse post() {
        HttpRequest r = new HttpRequest();
        r.setEndpoint('callout:X/y');
        r.setTimeout(5000);
        return new Http().send(r);
    }
}";

fn syms<'a>(out: &'a [Out], rule: &str) -> Vec<&'a str> {
    of(out, rule)
        .iter()
        .map(|o| o.symbol.as_deref().unwrap_or(""))
        .collect()
}

#[test]
fn caught_callouts_are_their_own_warning() {
    // The premise: the platform's CalloutException for an unmocked callout is an
    // ordinary exception; a frame that catches it makes the test pass.
    let svc = "public class Svc {
    public static void swallow() {
        try { Client.post(); } catch (Exception e) { System.debug(e); }
    }
    public static void specific() {
        try { Client.post(); } catch (System.CalloutException e) { }
    }
    public static void rethrows() {
        try { Client.post(); } catch (Exception e) { throw new MyException(e); }
    }
    public static void otherType() {
        try { Client.post(); } catch (DmlException e) { }
    }
    public static void plain() { Client.post(); }
}";
    let test = "@IsTest private class SvcTest {
    @IsTest static void swallowed() { Svc.swallow(); }
    @IsTest static void specific() { Svc.specific(); }
    @IsTest static void rethrown() { Svc.rethrows(); }
    @IsTest static void wrongCatch() { Svc.otherType(); }
    @IsTest static void inTest() {
        try { Svc.plain(); } catch (Exception e) { System.assert(e.getMessage() != null); }
    }
    @IsTest static void assertFails() {
        try { Svc.plain(); } catch (Exception e) { Assert.fail('no callout expected'); }
    }
    @IsTest static void systemAssertFalse() {
        try { Svc.plain(); } catch (Exception e) { System.assert(false, 'boom'); }
    }
}";
    let out = lint(&[
        ("Client.cls", CLIENT),
        ("Svc.cls", svc),
        ("SvcTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec![
            "SvcTest.rethrown",
            "SvcTest.wrongCatch",
            "SvcTest.assertFails",
            "SvcTest.systemAssertFalse"
        ],
        "{out:?}"
    );
    assert_eq!(
        syms(&out, "unmocked-callout-caught"),
        vec!["SvcTest.swallowed", "SvcTest.specific", "SvcTest.inTest"],
        "{out:?}"
    );
    let w = of(&out, "unmocked-callout-caught");
    assert_eq!(
        w[0].message,
        "test swallowed reaches an HTTP callout with no Test.setMock(HttpCalloutMock.class, …) \
         set before it; the CalloutException is caught in Svc.swallow (line 3), so the test \
         passes without exercising the response: swallowed → Svc.swallow → Client.post → \
         Http.send (Client.cls:6)"
    );
    assert!(
        w[2].message.contains("caught in SvcTest.inTest (line 7)"),
        "{}",
        w[2].message
    );
}

#[test]
fn a_try_around_enqueue_does_not_enclose_the_job_but_one_around_stop_test_does() {
    let job = "public class SyncJob implements Queueable, Database.AllowsCallouts {
    public void execute(QueueableContext ctx) { Client.post(); }
}";
    let test = "@IsTest private class JobTest {
    @IsTest static void tryAroundEnqueue() {
        Test.startTest();
        try { System.enqueueJob(new SyncJob()); } catch (Exception e) { }
        Test.stopTest();
    }
    @IsTest static void tryAroundStopTest() {
        Test.startTest();
        System.enqueueJob(new SyncJob());
        try { Test.stopTest(); } catch (Exception e) { }
    }
    @IsTest static void aborted() {
        Test.startTest();
        Id jobId = System.enqueueJob(new SyncJob());
        System.abortJob(jobId);
        Test.stopTest();
    }
    @IsTest static void abortedOtherJob(Id other) {
        Test.startTest();
        Id jobId = System.enqueueJob(new SyncJob());
        System.abortJob(other);
        Test.stopTest();
    }
}";
    let out = lint(&[
        ("Client.cls", CLIENT),
        ("SyncJob.cls", job),
        ("JobTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["JobTest.tryAroundEnqueue", "JobTest.abortedOtherJob"],
        "{out:?}"
    );
    let w = of(&out, "unmocked-callout-caught");
    assert_eq!(w.len(), 1, "{out:?}");
    assert!(
        w[0].message.contains(
            "caught in JobTest.tryAroundStopTest (a try around Test.stopTest(), line 10)"
        ),
        "{}",
        w[0].message
    );
    assert!(w[0].message.ends_with(
        "tryAroundStopTest → SyncJob.execute (async) → Client.post → Http.send (Client.cls:6)"
    ));
}

#[test]
fn running_test_guard_forms() {
    let svc = "public class Guards {
    private static final Boolean IN_TEST = Test.isRunningTest();
    public static void earlyReturn() {
        if (Test.isRunningTest()) return;
        Client.post();
    }
    public static void earlyReturnBlock() {
        if (Test.isRunningTest()) { System.debug('skip'); return; }
        Client.post();
    }
    public static void local() {
        Boolean skip = Test.isRunningTest();
        if (!skip) { Client.post(); }
    }
    public static void field() {
        if (IN_TEST == false) { Client.post(); }
    }
    public static void compound(Boolean enabled) {
        if (!Test.isRunningTest() && enabled) { Client.post(); }
    }
    public static void orElse(Boolean x) {
        if (Test.isRunningTest() || x) { return; } else { Client.post(); }
    }
    public static String ternary() {
        return Test.isRunningTest() ? 'fake' : Client.post().getBody();
    }
    public static void notDecided(Boolean x) {
        if (Test.isRunningTest() && x) { return; }
        Client.post();
    }
}";
    let test = "@IsTest private class GuardsTest {
    @IsTest static void a() { Guards.earlyReturn(); }
    @IsTest static void b() { Guards.earlyReturnBlock(); }
    @IsTest static void c() { Guards.local(); }
    @IsTest static void d() { Guards.field(); }
    @IsTest static void e() { Guards.compound(true); }
    @IsTest static void f() { Guards.orElse(false); }
    @IsTest static void g() { Guards.ternary(); }
    @IsTest static void h() { Guards.notDecided(false); }
}";
    let out = lint(&[
        ("Client.cls", CLIENT),
        ("Guards.cls", svc),
        ("GuardsTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["GuardsTest.h"],
        "{out:?}"
    );
}

#[test]
fn dml_runs_the_triggers_of_its_object() {
    let trig = "trigger AccountTrigger on Account (before insert, after insert, after update) {
    AccountHandler.run();
}";
    let contact_trig = "trigger ContactTrigger on Contact (after delete) { AccountHandler.run(); }";
    let handler = "public class AccountHandler {
    public static void run() { sync(); }
    @future(callout=true)
    public static void sync() { Client.post(); }
}";
    let test = "@IsTest private class DmlTest {
    @IsTest static void inserts() {
        Account a = new Account(Name = 'x');
        insert a;
    }
    @IsTest static void databaseUpdate() {
        List<Account> accs = [SELECT Id FROM Account];
        Database.update(accs, false);
    }
    @IsTest static void upserts() { upsert new Account(Name = 'y'); }
    @IsTest static void deletesAccount() { delete [SELECT Id FROM Account]; }
    @IsTest static void insertsContact() { insert new Contact(LastName = 'z'); }
    @IsTest static void genericSObject(SObject s) { insert s; }
    @IsTest static void mocked() {
        Test.setMock(HttpCalloutMock.class, new Mock());
        insert new Account(Name = 'x');
    }
}";
    let out = lint(&[
        ("AccountTrigger.trigger", trig),
        ("ContactTrigger.trigger", contact_trig),
        ("AccountHandler.cls", handler),
        ("Client.cls", CLIENT),
        ("DmlTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec![
            "DmlTest.inserts",
            "DmlTest.databaseUpdate",
            "DmlTest.upserts"
        ],
        "{out:?}"
    );
    let f = of(&out, "callout-without-mock");
    assert!(
        f[0].message.ends_with(
            "inserts → insert Account → AccountTrigger (before insert, after insert) → \
             AccountHandler.run → AccountHandler.sync (async) → Client.post → Http.send (Client.cls:6)"
        ),
        "{}",
        f[0].message
    );
    assert!(f[1]
        .message
        .contains("update Account → AccountTrigger (after update)"));
}

#[test]
fn a_trigger_that_updates_its_own_object_terminates() {
    let trig = "trigger OppTrigger on Opportunity (after update) { OppHandler.run(Trigger.new); }";
    let handler = "public class OppHandler {
    public static void run(List<Opportunity> opps) {
        update opps;
        Client.post();
    }
}";
    let test = "@IsTest class OppTest { @IsTest static void t() { update new Opportunity(); } }";
    let out = lint(&[
        ("OppTrigger.trigger", trig),
        ("OppHandler.cls", handler),
        ("Client.cls", CLIENT),
        ("OppTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["OppTest.t"],
        "{out:?}"
    );
}

#[test]
fn iterable_iterator_and_callable_implementations_are_reached() {
    let pages = "public class Pages implements Iterable<Page> {
    public Iterator<Page> iterator() { return new PageIterator(); }
}";
    let page = "public class Page {}";
    let it = "public class PageIterator implements Iterator<Page> {
    public Boolean hasNext() { return Client.post() != null; }
    public Page next() { return new Page(); }
}";
    let callable = "public class Api implements Callable {
    public Object call(String action, Map<String, Object> args) { return Client.post(); }
}";
    let test = "@IsTest private class IterTest {
    @IsTest static void forEach() { for (Page p : new Pages()) { } }
    @IsTest static void explicit() {
        Iterator<Page> it = new Pages().iterator();
        while (it.hasNext()) { it.next(); }
    }
    @IsTest static void callable() {
        Callable c = (Callable) new Api();
        c.call('sync', new Map<String, Object>());
    }
    @IsTest static void listLoop() { for (Account a : new List<Account>()) { } }
}";
    let out = lint(&[
        ("Pages.cls", pages),
        ("Page.cls", page),
        ("PageIterator.cls", it),
        ("Api.cls", callable),
        ("Client.cls", CLIENT),
        ("IterTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["IterTest.forEach", "IterTest.explicit", "IterTest.callable"],
        "{out:?}"
    );
}

#[test]
fn dispatch_through_type_new_instance_stays_unresolved_but_factories_do_not() {
    let iface = "public interface IHandler { void run(); }";
    let impl_ =
        "public class CalloutHandler implements IHandler { public void run() { Client.post(); } }";
    let dispatcher = "public class Dispatcher {
    public static void dynamic(String name) {
        Object o = Type.forName(name).newInstance();
        IHandler h = (IHandler) o;
        h.run();
        ((IHandler) Type.forName(name).newInstance()).run();
    }
    public static void factory() {
        IHandler h = (IHandler) Application.Service.newInstance(IHandler.class);
        h.run();
    }
}";
    let app = "public class Application {
    public static Factory Service = new Factory();
    public class Factory {
        private Map<Type, Type> impls = new Map<Type, Type>();
        public Object newInstance(Type t) { return impls.get(t).newInstance(); }
    }
}";
    let test = "@IsTest private class DispatchTest {
    @IsTest static void viaMetadata() { Dispatcher.dynamic('CalloutHandler'); }
    @IsTest static void viaFactory() { Dispatcher.factory(); }
    @IsTest static void viaHelper() { Plugins.make('CalloutHandler').run(); }
}";
    let plugins = "public class Plugins {
    public static IHandler make(String name) {
        Object o = build(name);
        return (IHandler) o;
    }
    private static Object build(String name) {
        Type t = typeFor(name);
        return t == null ? null : t.newInstance();
    }
    private static Type typeFor(String name) { return Type.forName(name); }
}";
    let out = lint(&[
        ("IHandler.cls", iface),
        ("CalloutHandler.cls", impl_),
        ("Dispatcher.cls", dispatcher),
        ("Application.cls", app),
        ("Plugins.cls", plugins),
        ("Client.cls", CLIENT),
        ("DispatchTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["DispatchTest.viaFactory"],
        "{out:?}"
    );
}

#[test]
fn a_mock_set_in_the_test_class_static_initialiser_counts() {
    let test = "@IsTest private class InitTest {
    static { Test.setMock(HttpCalloutMock.class, new Mock()); }
    @IsTest static void t() { Client.post(); }
}";
    let unmocked =
        "@IsTest private class NoInitTest { @IsTest static void t() { Client.post(); } }";
    let out = lint(&[
        ("Client.cls", CLIENT),
        ("InitTest.cls", test),
        ("NoInitTest.cls", unmocked),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["NoInitTest.t"],
        "{out:?}"
    );
}

#[test]
fn the_analysis_stays_within_its_bound_on_a_large_cycle() {
    // One cycle through an interface with many implementations, each calling back
    // through the interface; half of them call out, some queue a job that queues
    // itself; tests with and without mocks.
    let n = 300;
    let mut files: Vec<(String, String)> = vec![
        (
            "IStep.cls".into(),
            "public interface IStep { void run(Integer d); }".into(),
        ),
        ("Client.cls".into(), CLIENT.into()),
        (
            "Loop.cls".into(),
            "public class Loop implements Queueable, Database.AllowsCallouts {
    public void execute(QueueableContext c) { System.enqueueJob(new Loop()); Client.post(); }
}"
            .into(),
        ),
    ];
    for i in 0..n {
        let extra = match i % 3 {
            0 => "Client.post();",
            1 => "System.enqueueJob(new Loop());",
            _ => "",
        };
        files.push((
            format!("Step{i}.cls"),
            format!(
                "public class Step{i} implements IStep {{
    private IStep next;
    public void run(Integer d) {{ next.run(d + 1); {extra} }}
}}"
            ),
        ));
    }
    files.push((
        "StepTest.cls".into(),
        "@IsTest private class StepTest {
    @IsTest static void unmocked() { IStep s = new Step1(); s.run(0); }
    @IsTest static void mocked() {
        Test.setMock(HttpCalloutMock.class, new Mock());
        IStep s = new Step1();
        Test.startTest();
        s.run(0);
        Test.stopTest();
    }
}"
        .into(),
    ));
    let models = files
        .iter()
        .map(|(rel, src)| parse_file(rel, src.as_bytes()))
        .collect();
    let idx = Index::build(models);
    let reach = reach::Reach::compute(&idx);
    assert!(
        reach.work <= reach.bound,
        "{} > {}",
        reach.work,
        reach.bound
    );
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let out = lint(&refs);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["StepTest.unmocked"],
        "{out:?}"
    );
}

#[test]
fn trigger_event_conditions_decide_what_each_dml_runs() {
    let trig = "trigger CaseTrigger on Case (after insert, after update, before delete) {
    if (Trigger.isAfter && Trigger.isUpdate) {
        CaseHandler.onUpdate();
    } else if (Trigger.isInsert) {
        CaseHandler.onInsert();
    }
    if (Trigger.operationType == TriggerOperation.BEFORE_DELETE) { CaseHandler.onDelete(); }
    CaseRouter.route();
}";
    let handler = "public class CaseHandler {
    public static void onUpdate() { Client.post(); }
    public static void onInsert() { }
    public static void onDelete() { }
}";
    let router = "public class CaseRouter {
    public static void route() {
        switch on Trigger.operationType {
            when AFTER_UPDATE { Client.post(); }
            when else { }
        }
        if (!Trigger.isExecuting && Trigger.isDelete) { Client.post(); }
    }
}";
    let test = "@IsTest private class CaseTest {
    @IsTest static void inserts() { insert new Case(); }
    @IsTest static void updates() { update new Case(); }
    @IsTest static void deletes() { delete new Case(); }
    @IsTest static void outsideATrigger() { CaseRouter.route(); CaseHandler.onInsert(); }
}";
    let out = lint(&[
        ("CaseTrigger.trigger", trig),
        ("CaseHandler.cls", handler),
        ("CaseRouter.cls", router),
        ("Client.cls", CLIENT),
        ("CaseTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["CaseTest.updates", "CaseTest.deletes"],
        "{out:?}"
    );
    let f = of(&out, "callout-without-mock");
    assert!(
        f[0].message
            .contains("update Case → CaseTrigger (after update) →"),
        "{}",
        f[0].message
    );
}

#[test]
fn switch_on_operation_type_with_unqualified_when_values() {
    // Apex writes the enum values of a `when` unqualified (`when AFTER_UPDATE`).
    let trig = "trigger AccTrigger on Account (after insert, after update) {
    switch on Trigger.operationType {
        when AFTER_UPDATE { Client.post(); }
        when BEFORE_INSERT, AFTER_DELETE { }
        when else { }
    }
}";
    let test = "@IsTest private class AccTest {
    @IsTest static void inserts() { insert new Account(); }
    @IsTest static void updates() { update new Account(); }
}";
    let out = lint(&[
        ("AccTrigger.trigger", trig),
        ("Client.cls", CLIENT),
        ("AccTest.cls", test),
    ]);
    assert_eq!(
        syms(&out, "callout-without-mock"),
        vec!["AccTest.updates"],
        "{out:?}"
    );
}

/// `has_code`: what Salesforce counts for coverage — a method with a body, a field
/// initialiser, a property with accessors, an initialiser block, a trigger — and not a class of
/// plain fields, an interface, an enum or abstract methods alone.
#[test]
fn types_with_and_without_executable_code() {
    let code = |src: &str| -> Vec<(String, bool)> {
        parse_file("classes/X.cls", src.as_bytes())
            .types
            .iter()
            .map(|t| (t.display.clone(), t.has_code))
            .collect()
    };
    assert_eq!(
        code("public class Data { public String a; public Integer b, c; }"),
        vec![("Data".to_string(), false)]
    );
    assert_eq!(
        code("public interface I { void go(); }"),
        vec![("I".to_string(), false)]
    );
    assert_eq!(
        code("public enum E { A, B }"),
        vec![("E".to_string(), false)]
    );
    assert_eq!(
        code("public abstract class A { public abstract void go(); }"),
        vec![("A".to_string(), false)]
    );
    for src in [
        "public class M { void go() {} }",
        "public class F { static final String X = 'a'; }",
        "public class P { public String name { get; set; } }",
        "public class S { static { Integer i = 1; } }",
    ] {
        assert!(code(src)[0].1, "{src}");
    }
    // An inner class with code: the inner has code, the outer of fields alone has none.
    assert_eq!(
        code("public class O { String a; class In { void go() {} } }"),
        vec![("O".to_string(), false), ("O.In".to_string(), true)]
    );
    let trigger = parse_file(
        "triggers/T.trigger",
        b"trigger T on Account (before insert) { }",
    );
    assert!(trigger.types[0].has_code);
}
