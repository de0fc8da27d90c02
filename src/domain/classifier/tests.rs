//! Unit tests of the rules, named as the behaviour they pin down.

use super::*;

fn kind(text: &str) -> Option<PingKind> {
    Classifier::new().classify(text).kind
}

fn assert_ping(kind_expected: PingKind, texts: &[&str]) {
    let classifier = Classifier::new();
    for text in texts {
        let verdict = classifier.classify(text);
        assert_eq!(verdict.kind, Some(kind_expected), "{text:?}: {}", verdict.reason);
    }
}

fn assert_not_ping(texts: &[&str]) {
    let classifier = Classifier::new();
    for text in texts {
        let verdict = classifier.classify(text);
        assert_eq!(verdict.kind, None, "{text:?} was taken for a ping: {}", verdict.reason);
    }
}

#[test]
fn greetings_alone_or_with_mentions_are_greeting_pings() {
    assert_ping(
        PingKind::Greeting,
        &[
            "hi",
            "hey <@U1>",
            "good morning!",
            "hola",
            "👋",
            "heyyy",
            "hiii!!",
            "Hi Maria",
            "olá",
            "buenos días <@U1>",
            "moin",
            "привет",
            "おはよう",
            "你好",
            "안녕하세요",
            "namaste",
            "kya haal hai",
            "hey <@U1> :wave:",
        ],
    );
}

#[test]
fn availability_phrases_without_a_subject_are_availability_pings() {
    assert_ping(
        PingKind::Availability,
        &[
            "got a sec?",
            "you there?",
            "are you there?",
            "r u there",
            "quick question",
            "ping",
            "urgent!!",
            "¿tienes un minuto?",
            "tem um minuto?",
            "t'as une minute ?",
            "hast du kurz Zeit?",
            "masz chwilę?",
            "есть минутка?",
            "müsait misin?",
            "free ho?",
            "ちょっといい？",
            "有空吗",
            "잠깐 시간 돼?",
            "Maria, got a sec?",
            "<@U1> ping",
        ],
    );
}

#[test]
fn meeting_requests_without_an_agenda_are_meeting_pings() {
    assert_ping(
        PingKind::MeetingRequest,
        &[
            "can we hop on a call?",
            "huddle?",
            "call me when you can",
            "bora uma call?",
            "kurzer Call?",
            "созвонимся?",
            "call karein?",
            "打个电话?",
            "통화 가능해요?",
            "hi <@U1>, can we talk?",
        ],
    );
}

#[test]
fn mentions_with_only_punctuation_are_bare_mentions() {
    assert_ping(PingKind::BareMention, &["<@U1>", "<@U1> ??", "<@U1> <@U2>", "<@!123> …", "<!here>"]);
}

#[test]
fn a_greeting_followed_by_a_question_is_not_a_ping() {
    assert_not_ping(&[
        "hi, can you review PR 123?",
        "hey <@U1> can you look at the failing deploy",
        "hello! where is the VPN config?",
        "hola, ¿dónde está el contrato?",
        "Hi Maria, is staging down?",
    ]);
}

#[test]
fn quick_question_with_its_question_is_not_a_ping() {
    assert_not_ping(&["quick question: do we support Safari?", "quick q - which branch is prod?"]);
}

#[test]
fn a_meeting_request_with_an_agenda_is_not_a_ping() {
    assert_not_ping(&[
        "can we call Thursday about the Q3 budget? agenda in the doc",
        "can we hop on a call about the migration plan?",
        "Budget call?",
        "call at 3pm?",
        "can we talk tomorrow?",
    ]);
}

#[test]
fn ping_call_sync_and_hello_used_as_nouns_or_in_code_are_not_pings() {
    assert_not_ping(&[
        "ping me when the build is green",
        "ping time to eu-west is 20ms",
        "the call to the geocoder returns 429s",
        "the sync job failed again",
        "`hello`",
        "```ping```",
        "hello world runs fine",
        "call me maybe is stuck in my head",
        "sync is broken",
    ]);
}

#[test]
fn thanks_and_acknowledgements_are_not_pings() {
    assert_not_ping(&[
        "thanks!",
        "ok",
        "👍",
        "lgtm",
        "👍👍",
        ":+1:",
        "<@U1> 👍",
        "thanks <@U1>!",
        "ok, call me",
        "merci",
        "danke",
        "спасибо",
        "ありがとう",
        "谢谢",
        "got it",
    ]);
}

#[test]
fn links_numbers_channels_and_times_make_a_message_substantive() {
    assert_not_ping(&[
        "hey https://example.com",
        "hi <https://example.com|doc>",
        "<@U1> <#C1|incidents>",
        "<@U1> 42",
        "<@U1> <t:1700000000:R>",
        "got 5 min to review the copy?",
        "back in 5 min",
        "are you free at 11 for 15 minutes?",
        "got 90 min?",
    ]);
}

#[test]
fn a_few_minutes_asked_in_digits_is_still_only_asking_for_time() {
    for text in
        ["got 5 min?", "5 mins?", "<@U1> got 2 minutes?", "t'as 5 min ?", "hast du 5 Minuten?", "tienes 5 minutos?"]
    {
        assert_eq!(kind(text), Some(PingKind::Availability), "{text}");
    }
    // Without a question it is an estimate ("5 min"), and a larger number says something.
    assert_not_ping(&["5 min", "got 5 min", "ETA 5 min?", "5 min? the build is red"]);
}

#[test]
fn a_lone_question_mark_or_emoji_is_not_a_ping() {
    assert_not_ping(&["?", "??", "…", "", "   ", "👀", "🎉"]);
}

#[test]
fn ambiguous_one_word_phrases_count_only_in_a_question() {
    assert_eq!(kind("free"), None);
    assert_eq!(kind("free?"), Some(PingKind::Availability));
    assert_eq!(kind("you free"), Some(PingKind::Availability));
    assert_eq!(kind("un momento"), None, "\"wait a moment\"");
}

#[test]
fn an_opening_capitalised_word_is_a_name_only_when_addressed() {
    assert_eq!(kind("Maria, call?"), Some(PingKind::MeetingRequest));
    assert_eq!(kind("Budget call?"), None);
    assert_eq!(kind("Hi Maria Jones"), None, "two unknown words are a subject");
}

#[test]
fn workspace_phrases_extend_the_built_in_lists() {
    let classifier = Classifier::with_extra_phrases(ExtraPhrases {
        greetings: vec!["ahoy matey".into()],
        availability: vec!["standup?".into()],
        meeting: vec!["war room".into()],
    });
    assert_eq!(classifier.classify("ahoy matey <@U1>").kind, Some(PingKind::Greeting));
    assert_eq!(classifier.classify("standup?").kind, Some(PingKind::Availability));
    assert_eq!(classifier.classify("war room?").kind, Some(PingKind::MeetingRequest));
    assert_eq!(Classifier::new().classify("war room?").kind, None);
}

#[test]
fn every_verdict_names_its_rule() {
    let classifier = Classifier::new();
    for text in ["hi", "thanks", "see https://x.y", "<@U1>", "what is up with prod"] {
        assert!(!classifier.classify(text).reason.is_empty());
    }
    assert_eq!(classifier.classify("`x`").reason, "contains code");
}

#[test]
fn kind_names_match_the_wire_format() {
    for kind in [PingKind::Greeting, PingKind::Availability, PingKind::MeetingRequest, PingKind::BareMention] {
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
    }
}

#[test]
fn a_name_after_a_title_is_still_a_greeting() {
    assert_ping(PingKind::Greeting, &["Good morning Mr. Patel", "Dzień dobry, panie Marku", "Guten Tag Frau Schmidt"]);
    assert_eq!(kind("Mr. Patel asked for the report"), None);
}

#[test]
fn a_cjk_name_with_its_honorific_is_a_name() {
    assert_ping(PingKind::Greeting, &["田中さん、お疲れ様です", "민수님 안녕하세요"]);
    assert_ping(
        PingKind::Availability,
        &["王老师，您现在有空吗？", "지수 씨, 시간 되세요?", "김 대리님, 잠깐 시간 되세요?"],
    );
    assert_not_ping(&["田中さん、資料を送りました", "민지 씨, 회의록 보냈어요", "张总，合同已经发给您了"]);
}

#[test]
fn emoticons_with_letters_are_decoration_not_words() {
    assert_ping(PingKind::Greeting, &["hey :D", "hello ;)", "hii <@U1> xD", "hi =P"]);
    assert_not_ping(&["hey :D the demo went great", ":D", "xD"]);
}

#[test]
fn a_typed_heart_thanks_like_the_heart_emoji() {
    assert_not_ping(&["<@U1> <3", "<@U1> &lt;3", "<3 thanks for covering for me"]);
}

#[test]
fn time_requests_are_composed_from_a_frame_and_a_span() {
    assert_ping(
        PingKind::Availability,
        &["do you have a couple of minutes?", "could I grab a minute of your time?", "Do you have a few min?"],
    );
    assert_not_ping(&["do you have a couple of minutes to review the SOW?"]);
}

#[test]
fn meeting_requests_are_composed_in_other_languages() {
    assert_ping(
        PingKind::MeetingRequest,
        &["¿hacemos una videollamada?", "Podemos fazer uma call?", "on se fait un point ?", "toplantı yapalım mı?"],
    );
    assert_not_ping(&["¿hacemos una llamada sobre el presupuesto?"]);
}

#[test]
fn a_mention_with_only_an_asking_frame_refers_to_an_earlier_message() {
    assert_not_ping(&["<@U1> can you?", "<@U1> could you", "<@U1> pode"]);
}

#[test]
fn a_mention_with_only_filler_words_is_not_a_bare_mention() {
    assert_not_ping(&["<@U1> sorry", "<@U1> team", "<@U1> to spare"]);
    assert_eq!(kind("<@U1> please"), Some(PingKind::BareMention), "\"please\" is skipped like punctuation");
}

#[test]
fn a_well_wish_is_not_a_greeting_ping() {
    assert_not_ping(&["happy friday!", "happy friday <@U1>!", "happy birthday <@U1> 🎂"]);
}

#[test]
fn someone_asking_for_help_without_saying_with_what_is_an_availability_ping() {
    assert_ping(
        PingKind::Availability,
        &["¿alguien me puede ayudar?", "kann mir jemand helfen?", "кто-нибудь может помочь?", "can someone help me?"],
    );
    assert_not_ping(&["can someone help me with the Excel formula?", "¿alguien me puede ayudar con el VPN?"]);
}

#[test]
fn a_phrase_shortened_to_one_word_by_a_skipped_word_needs_that_word() {
    assert_eq!(kind("quick sync"), Some(PingKind::MeetingRequest));
    assert_eq!(kind("sync"), None, "a status, not a request");
    assert_eq!(kind("kort fråga"), Some(PingKind::Availability));
    assert_eq!(kind("fråga"), None);
    assert_eq!(kind("quick one"), Some(PingKind::Availability));
    assert_eq!(kind("one"), None);
}

#[test]
fn chat_shorthand_reads_as_the_word_it_stands_for() {
    assert_ping(PingKind::Availability, &["hv a min?", "r u around", "quik question", "hi, tienes un sec?"]);
    assert_ping(PingKind::Greeting, &["helo", "gud morning", "hola q tal", "good mornin"]);
    assert_ping(PingKind::MeetingRequest, &["can u call"]);
    assert_not_ping(&["can u call the vendor about the invoice?", "hv the logs been rotated?"]);
}

#[test]
fn one_slip_in_a_long_phrase_word_is_forgiven() {
    assert_ping(PingKind::Availability, &["are you avaliable?", "got a minite?", "quick quesiton", "are you arond?"]);
    assert_ping(PingKind::Greeting, &["good moring", "bonjuor"]);
}

#[test]
fn a_real_word_near_a_phrase_word_is_not_read_as_a_slip() {
    assert_not_ping(&["three?", "called", "<@U1> called", "parser?", "serves", "disco?", "bueno", "<@U1> придёт?"]);
    assert_not_ping(&["questions?"]);
    assert_not_ping(&["are you avaliable for a minite?"]);
}

#[test]
fn saying_one_needs_the_persons_help_without_saying_with_what_is_an_availability_ping() {
    assert_ping(
        PingKind::Availability,
        &[
            "j'ai besoin de ton aide",
            "ho bisogno del tuo aiuto",
            "ik heb je hulp nodig",
            "yardımın lazım",
            "도움이 필요해요",
            "kuch poochna tha",
        ],
    );
    assert_not_ping(&["j'ai besoin de ton aide pour le budget", "ho bisogno del tuo aiuto con il deploy"]);
}

#[test]
fn asking_leave_to_ask_is_an_availability_ping() {
    assert_ping(
        PingKind::Availability,
        &["mind if I ask you something?", "kan jeg spørre deg om noe?", "뭐 좀 물어봐도 될까요?"],
    );
    assert_not_ping(&["mind if I ask why the build is red?"]);
}

#[test]
fn colloquial_greetings_are_greetings() {
    assert_ping(PingKind::Greeting, &["heisann", "здрасте", "прив", "holis"]);
}

#[test]
fn asking_to_be_told_when_the_person_is_free_is_left_to_the_sender() {
    // Labellers disagree whether "ping me when you're free" asks for presence: not a ping.
    assert_not_ping(&["ping me when you're free", "lmk when you have a minute"]);
}
