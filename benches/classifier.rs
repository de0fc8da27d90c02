//! Classification throughput on a mixed corpus: the development set plus generated ordinary
//! messages of realistic length, with Slack and Discord markup. Target (issue): at least
//! 200,000 messages per second on one core. A second benchmark runs every labelled set, whose
//! short, phrase-heavy and CJK messages are the classifier's slowest inputs.
//!
//! Run: `cargo bench --bench classifier -- --quick`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use unhurried::domain::classifier::Classifier;

const DEV_SET: &str = include_str!("../tests/shared/data/pings-dev.tsv");
const EXTRA_SET: &str = include_str!("../tests/data/pings-extra.tsv");
const HELDOUT_SET: &str = include_str!("../tests/data/pings-heldout.tsv");

const OPENERS: &[&str] = &[
    "hey <@U07QWERTY1>",
    "hi team,",
    "good morning!",
    "<@311337420042042042>",
    "quick question:",
    "hola,",
    "bonjour,",
    "Hallo zusammen,",
    "привет,",
    "",
    "",
    "",
];
const BODIES: &[&str] = &[
    "the nightly export failed again with a timeout on the orders table",
    "can you review the PR for the billing migration before Thursday",
    "staging is down since the last deploy, I rolled back but the queue is still stuck",
    "where do we keep the VPN config for the new office",
    "I pushed the fix, tests are green locally but CI complains about the lockfile",
    "the customer asked whether we support SSO with Okta, do we",
    "el despliegue de ayer rompió el login en iOS",
    "die Rechnungen für März fehlen im Export",
    "le build Android échoue à cause de la signature",
    "деплой упал на шаге миграции базы",
    "sounds good, let's ship it",
    "meeting notes are in the doc, decisions at the bottom",
];
const CLOSERS: &[&str] = &[
    "",
    "",
    " thanks!",
    " 🙏",
    " see https://github.com/acme/app/pull/42",
    " :eyes:",
    " cc <@U07QWERTY2>",
    " (ticket OPS-1234)",
    " `make test` fails",
    " <#C0123|incidents>",
];

/// The message texts of a labelled set (`label<TAB>kind<TAB>text`).
fn texts(set: &str) -> Vec<String> {
    set.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.splitn(3, '\t').nth(2).map(str::to_owned))
        .collect()
}

/// Dev-set texts plus generated ordinary messages, roughly four ordinary messages per ping.
fn corpus() -> Vec<String> {
    let mut messages = texts(DEV_SET);
    // A fixed linear congruential sequence: the same corpus on every run, no rand crate.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut pick = |len: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % len
    };
    for _ in 0..400 {
        let opener = OPENERS[pick(OPENERS.len())];
        let body = BODIES[pick(BODIES.len())];
        let closer = CLOSERS[pick(CLOSERS.len())];
        messages.push(format!("{opener} {body}{closer}").trim().to_owned());
    }
    messages
}

fn classify_mixed_corpus(c: &mut Criterion) {
    let classifier = Classifier::new();
    let labelled: Vec<String> = [DEV_SET, EXTRA_SET, HELDOUT_SET].into_iter().flat_map(texts).collect();
    let mut group = c.benchmark_group("classifier");
    for (name, corpus) in [("mixed_corpus", corpus()), ("labelled_sets", labelled)] {
        group.throughput(Throughput::Elements(corpus.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut pings = 0usize;
                for message in &corpus {
                    pings += usize::from(classifier.classify(black_box(message)).is_ping());
                }
                black_box(pings)
            });
        });
    }
    group.finish();
}

fn build_classifier(c: &mut Criterion) {
    c.bench_function("classifier_new", |b| b.iter(|| black_box(Classifier::new())));
}

criterion_group!(benches, classify_mixed_corpus, build_classifier);
criterion_main!(benches);
