//! The sync-ping classifier measured on labelled sets, plus the property that a substantive
//! clause always turns a ping into an ordinary message.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use proptest::prelude::*;
use unhurried::domain::classifier::{Classifier, PingKind};

/// The shared development set (SPEC §1).
const DEV_SET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/data/pings-dev.tsv");
/// The team's own multilingual set, standing in for the held-out set.
const EXTRA_SET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pings-extra.tsv");
/// A second set written apart from the other two, as teammates write, to measure generalisation.
const HELDOUT_SET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pings-heldout.tsv");

/// Required on data the phrase lists were not tuned on (SPEC §1).
const MIN_PRECISION: f64 = 0.98;
const MIN_RECALL: f64 = 0.92;

struct Example {
    line: usize,
    kind: Option<PingKind>,
    text: String,
}

fn load(path: &str) -> Vec<Example> {
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut examples = Vec::new();
    for (index, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (Some(label), Some(kind), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
            panic!("{path}:{}: expected label<TAB>kind<TAB>text", index + 1);
        };
        let kind = match (label, kind) {
            ("0", "-") => None,
            ("1", kind) => Some(
                serde_json::from_value(serde_json::Value::String(kind.to_owned()))
                    .unwrap_or_else(|_| panic!("{path}:{}: unknown kind {kind}", index + 1)),
            ),
            _ => panic!("{path}:{}: bad label {label}/{kind}", index + 1),
        };
        examples.push(Example { line: index + 1, kind, text: text.to_owned() });
    }
    examples
}

#[derive(Default)]
struct Counts {
    true_positive: usize,
    predicted: usize,
    actual: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.true_positive, self.predicted)
    }
    fn recall(&self) -> f64 {
        ratio(self.true_positive, self.actual)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
}

/// Classifies a set, prints precision and recall per kind and overall (ping vs not) and the
/// mistakes, and returns the overall counts.
fn evaluate(path: &str) -> Counts {
    let classifier = Classifier::new();
    let examples = load(path);
    let mut overall = Counts::default();
    let mut per_kind: BTreeMap<&'static str, Counts> = BTreeMap::new();
    println!("{path}: {} examples", examples.len());
    for example in &examples {
        let verdict = classifier.classify(&example.text);
        if let Some(kind) = example.kind {
            per_kind.entry(kind.as_str()).or_default().actual += 1;
            overall.actual += 1;
        }
        if let Some(kind) = verdict.kind {
            let counts = per_kind.entry(kind.as_str()).or_default();
            counts.predicted += 1;
            counts.true_positive += usize::from(example.kind == Some(kind));
            overall.predicted += 1;
            overall.true_positive += usize::from(example.kind.is_some());
        }
        if verdict.kind != example.kind {
            let expected = example.kind.map_or("-", PingKind::as_str);
            let got = verdict.kind.map_or("-", PingKind::as_str);
            println!("  line {}: expected {expected}, got {got} ({}): {}", example.line, verdict.reason, example.text);
        }
    }
    for (kind, counts) in &per_kind {
        println!(
            "  {kind:<16} precision {:.3} recall {:.3} ({} labelled, {} predicted)",
            counts.precision(),
            counts.recall(),
            counts.actual,
            counts.predicted
        );
    }
    println!(
        "  {:<16} precision {:.3} recall {:.3} ({} pings, {} predicted)",
        "overall",
        overall.precision(),
        overall.recall(),
        overall.actual,
        overall.predicted
    );
    overall
}

fn assert_good_enough(path: &str) {
    let overall = evaluate(path);
    assert!(overall.precision() >= MIN_PRECISION, "precision {:.3} below {MIN_PRECISION}", overall.precision());
    assert!(overall.recall() >= MIN_RECALL, "recall {:.3} below {MIN_RECALL}", overall.recall());
}

#[test]
fn the_development_set_meets_the_precision_and_recall_targets() {
    assert_good_enough(DEV_SET);
}

#[test]
fn the_teams_multilingual_set_meets_the_precision_and_recall_targets() {
    assert_good_enough(EXTRA_SET);
}

#[test]
fn the_held_out_style_set_meets_the_precision_and_recall_targets() {
    assert_good_enough(HELDOUT_SET);
}

/// Pings from every labelled set: the starting points of the property test.
fn known_pings() -> Vec<String> {
    let mut pings: Vec<String> = [DEV_SET, EXTRA_SET, HELDOUT_SET]
        .iter()
        .flat_map(|path| load(path))
        .filter(|example| example.kind.is_some())
        .map(|example| example.text)
        .collect();
    pings.sort();
    pings.dedup();
    pings
}

const SUBJECTS: &[&str] = &[
    "the staging deploy",
    "the invoice export",
    "the VPN config",
    "PR review",
    "the Q3 budget",
    "el contrato",
    "la factura",
    "o deploy de produção",
    "le contrat fournisseur",
    "die Testumgebung",
    "il rilascio",
    "de release",
    "fakturan",
    "wdrożenie",
    "релиз",
    "реліз",
    "fatura",
    "deployment",
    "デプロイ",
    "发布",
    "배포",
];

const ASKS: &[&str] = &[
    "can you check",
    "do you know what happened to",
    "who owns",
    "is anyone looking at",
    "¿puedes revisar",
    "você pode revisar",
    "tu peux regarder",
    "kannst du dir ansehen",
    "puoi controllare",
    "kun je kijken naar",
    "kan du kolla",
    "możesz sprawdzić",
    "можешь посмотреть",
    "можеш подивитися",
    "bakabilir misin",
    "kya tum dekh sakte ho",
    "確認できますか",
    "能看一下",
    "확인해 줄 수 있어요",
];

/// Built once: compiling the phrase tables per case would dominate the test's run time.
static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(Classifier::new);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Appending a question with its subject (with or without a link) to any ping leaves an
    /// ordinary message: the bot must never lecture someone who wrote a real question.
    #[test]
    fn a_ping_followed_by_a_question_with_a_subject_is_never_a_ping(
        ping in prop::sample::select(known_pings()),
        separator in prop::sample::select(vec![" ", ", ", " — ", "! ", "? ", "\n", ": "]),
        ask in prop::sample::select(ASKS),
        subject in prop::sample::select(SUBJECTS),
        link in prop::option::of(prop::sample::select(vec![
            "https://github.com/acme/app/pull/12",
            "<https://docs.example.com/runbook|runbook>",
            "https://acme.atlassian.net/browse/OPS-7",
        ])),
    ) {
        let classifier = &*CLASSIFIER;
        prop_assume!(classifier.classify(&ping).is_ping());
        let mut message = format!("{ping}{separator}{ask} {subject}?");
        if let Some(link) = link {
            message.push(' ');
            message.push_str(link);
        }
        let verdict = classifier.classify(&message);
        prop_assert!(!verdict.is_ping(), "{message:?} stayed a ping ({})", verdict.reason);
    }
}
