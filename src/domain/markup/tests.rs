use chrono::TimeZone;
use proptest::prelude::*;
use serde_json::Value;

use super::discord::{AllowedMentions, mentioned_user_ids};
use super::*;
use crate::domain::events::{Attachment, Destination, MessageAction, OutgoingMessage, Purpose};

const SLACK_INJECTION: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/fixtures/slack/injection/mrkdwn_injection_cases.json");
const SLACK_ESCAPING: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/fixtures/slack/formatting/escaping_example.json");
const DISCORD_INJECTION: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shared/fixtures/discord/injection/mention_injection_cases.json");

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn slack() -> &'static dyn Markup {
    markup_for(Platform::Slack)
}

fn discord() -> &'static dyn Markup {
    markup_for(Platform::Discord)
}

fn assert_no_slack_broadcast(text: &str, from: &str) {
    for raw in ["<!channel", "<!here", "<!everyone", "<!group", "<!subteam", "<!"] {
        assert!(!text.contains(raw), "{from:?} rendered as {text:?} keeps {raw}");
    }
}

fn assert_no_discord_broadcast(text: &str, from: &str) {
    for live in ["@everyone", "@here", "<@&"] {
        assert!(!text.contains(live), "{from:?} rendered as {text:?} keeps {live}");
    }
}

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 27, 9, 30, 0).unwrap()
}

#[test]
fn every_slack_injection_case_is_inert_in_user_text_and_escaped_in_literal() {
    let cases = fixture(SLACK_INJECTION)["cases"].as_array().unwrap().clone();
    assert!(cases.len() >= 7);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        assert_no_slack_broadcast(&slack().user_text(input), input);
        // literal follows the fixture's three-escape rule; plain broadcast words additionally get
        // a zero-width space so `link_names` can never turn them into pings.
        let expected = case["expected_escaped"].as_str().unwrap().replace("@here", "@\u{200B}here");
        assert_eq!(slack().literal(input), expected, "{input}");
    }
}

#[test]
fn slack_escaping_example_matches_the_documented_encoding() {
    let example = fixture(SLACK_ESCAPING);
    let typed = example["user_types"].as_str().unwrap();
    let encoded = example["encoded_message"].as_str().unwrap();
    assert_eq!(slack().literal(typed), encoded);
    assert_eq!(slack().user_text(typed), encoded);
    // What Slack sends is already encoded; repeating it must not encode it twice.
    assert_eq!(slack().user_text(encoded), encoded);
    for control in example["control_sequence_examples"].as_array().unwrap() {
        let control = control.as_str().unwrap();
        assert_eq!(slack().user_text(control), control);
    }
    for special in example["special_mentions_documented"].as_array().unwrap() {
        let special = special.as_str().unwrap();
        let rendered = slack().user_text(special);
        assert_no_slack_broadcast(&rendered, special);
        assert!(rendered.starts_with("@\u{200B}"), "{rendered:?}");
    }
}

#[test]
fn every_discord_injection_case_is_inert_in_user_text() {
    let cases = fixture(DISCORD_INJECTION)["cases"].as_array().unwrap().clone();
    assert!(cases.len() >= 6);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        assert_no_discord_broadcast(&discord().user_text(input), input);
        assert_no_discord_broadcast(&discord().literal(input), input);
        assert_no_discord_broadcast(&discord().code(input), input);
        let allowed = AllowedMentions::users_in(&discord().user_text(input));
        assert!(allowed.parse.is_empty());
    }
}

#[test]
fn discord_docs_example_allows_only_the_user_it_names() {
    let text = discord().user_text("@here Hello <@&1234> and <@5678> 👋");
    assert_eq!(text, "@\u{200B}here Hello <@\u{200B}&1234> and <@5678> 👋");
    let allowed = AllowedMentions::users_in(&text);
    assert_eq!(serde_json::to_value(&allowed).unwrap(), serde_json::json!({"parse": [], "users": ["5678"]}));
}

#[test]
fn mentioned_user_ids_reads_both_mention_forms_once_each_in_order() {
    let ids = mentioned_user_ids("<@!22> hi <@11> <@22> <@&33> <#44> <@x> <@55");
    assert_eq!(ids, ["22", "11"]);
    assert!(AllowedMentions::none().users.is_empty());
}

#[test]
fn slack_user_text_keeps_slack_markup_and_escapes_the_rest() {
    let kept = "ask <@U1> or <@W2|bob> in <#C3|team>, see <https://x.example/?a=1&amp;b=2|the doc> or <mailto:a@b.c>";
    assert_eq!(slack().user_text(kept), kept);
    assert_eq!(slack().user_text("a < b > c & d"), "a &lt; b &gt; c &amp; d");
    assert_eq!(slack().user_text("&amp; &lt;x&gt; &nbsp;"), "&amp; &lt;x&gt; &amp;nbsp;");
    assert_eq!(slack().user_text("<javascript:x>"), "&lt;javascript:x&gt;");
    assert_eq!(slack().user_text("<@U1 x>"), "&lt;@U1 x&gt;");
    assert_eq!(slack().user_text("<<@U1>>"), "&lt;<@U1>&gt;");
}

#[test]
fn slack_special_commands_become_inert_text() {
    let cases = [
        ("<!channel>", "@\u{200B}channel"),
        ("<!here|here>", "@\u{200B}here"),
        ("<!HERE|@here>", "@\u{200B}here"),
        ("<!everyone>", "@\u{200B}everyone"),
        ("<!subteam^S0123|@devs>", "@\u{200B}devs"),
        ("<!subteam^S0123>", "@\u{200B}team"),
        ("<!date^1392734382^{date} at {time}|Feb 18, 2014 6:39 AM PST>", "Feb 18, 2014 6:39 AM PST"),
        ("<!foo^bar>", "&lt;!foo^bar&gt;"),
        ("@channel and @Here", "@\u{200B}channel and @\u{200B}Here"),
        ("<@U1|x<!channel>>", "&lt;@U1|x@\u{200B}channel&gt;"),
        ("<https://x.example|@here>", "<https://x.example|@\u{200B}here>"),
    ];
    for (input, expected) in cases {
        assert_eq!(slack().user_text(input), expected, "{input}");
    }
}

#[test]
fn times_use_each_platforms_native_markup_with_a_utc_fallback() {
    let unix = instant().timestamp();
    assert_eq!(
        slack().time(instant(), TimeStyle::DateTime),
        format!("<!date^{unix}^{{date_short_pretty}} {{time}}|2026-03-27 09:30 UTC>")
    );
    assert_eq!(slack().time(instant(), TimeStyle::Relative), format!("<!date^{unix}^{{ago}}|2026-03-27 09:30 UTC>"));
    assert_eq!(discord().time(instant(), TimeStyle::DateTime), format!("<t:{unix}:f>"));
    assert_eq!(discord().time(instant(), TimeStyle::Relative), format!("<t:{unix}:R>"));
}

#[test]
fn emphasis_wraps_the_text_but_not_its_surrounding_spaces() {
    assert_eq!(slack().bold("hi"), "*hi*");
    assert_eq!(slack().italic(" hi "), " _hi_ ");
    assert_eq!(discord().bold("hi"), "**hi**");
    assert_eq!(discord().italic("hi"), "*hi*");
    assert_eq!(slack().bold("  "), "  ");
}

#[test]
fn mentions_and_channels_render_ids_and_refuse_markup_in_ids() {
    assert_eq!(slack().mention("U024BE7LH"), "<@U024BE7LH>");
    assert_eq!(slack().channel("C1"), "<#C1>");
    assert_eq!(discord().mention("80351110224678912"), "<@80351110224678912>");
    assert_eq!(discord().channel("123"), "<#123>");
    assert_eq!(slack().mention("U1><!channel"), "U1&gt;&lt;!channel");
    assert_no_discord_broadcast(&discord().mention("@everyone"), "@everyone");
}

#[test]
fn links_keep_their_target_intact_and_escape_the_label() {
    assert_eq!(
        slack().link("https://x.example/a?b=1&c=2", "a <doc>"),
        "<https://x.example/a?b=1&amp;c=2|a &lt;doc&gt;>"
    );
    assert_eq!(slack().link("https://x.example/a|b", ""), "<https://x.example/a%7Cb>");
    assert_eq!(discord().link("https://x.example/(a)", "the [doc]"), "[the \\[doc\\]](https://x.example/%28a%29)");
}

#[test]
fn code_shows_its_text_literally_on_both_platforms() {
    assert_eq!(slack().code("a<b"), "`a&lt;b`");
    assert_eq!(slack().code("x`y"), "`x\u{02CB}y`");
    assert_eq!(slack().code("a\nb"), "```\na\nb\n```");
    assert_eq!(discord().code("x`y"), "``x`y``");
    assert_eq!(discord().code("`y"), "`` `y ``");
    let block = discord().code("```\n``` <@1>");
    assert_eq!(block.matches("```").count(), 2, "{block}");
}

#[test]
fn quotes_and_bullets_cover_every_line() {
    assert_eq!(slack().quote("a\nb"), ">a\n>b");
    assert_eq!(discord().quote("a\n\nb"), "> a\n> \n> b");
    assert_eq!(slack().bullet("a\nb"), "• a\n   b");
    assert_eq!(discord().bullet("a"), "- a");
}

#[test]
fn discord_literal_escapes_markdown_and_mentions() {
    assert_eq!(discord().literal("_bob_ <@1>"), "\\_bob\\_ \\<@1\\>");
    assert!(mentioned_user_ids(&discord().literal("<@1>")).is_empty());
}

#[test]
fn markup_for_returns_the_platforms_own_markup_and_limits() {
    assert_eq!(slack().platform(), Platform::Slack);
    assert_eq!(discord().platform(), Platform::Discord);
}

fn parts(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

#[test]
fn split_message_packs_parts_into_as_few_messages_as_fit() {
    assert_eq!(split_message(&parts(&["ab", "cd", "ef"]), 5), ["ab\ncd", "ef"]);
    assert_eq!(split_message(&parts(&["ab", "cd"]), 100), ["ab\ncd"]);
    assert!(split_message(&[], 10).is_empty());
    // Characters, not bytes: four 3-byte characters fit a limit of 4.
    assert_eq!(split_message(&parts(&["ααα", "é"]), 4), ["ααα", "é"]);
}

#[test]
fn split_message_cuts_an_oversized_part_at_lines_then_words_then_anywhere() {
    assert_eq!(split_message(&parts(&["aa\nbb\ncc"]), 5), ["aa\nbb", "cc"]);
    assert_eq!(split_message(&parts(&["one two three"]), 8), ["one two ", "three"]);
    assert_eq!(split_message(&parts(&["abcdefghij"]), 4), ["abcd", "efgh", "ij"]);
}

fn non_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #[test]
    fn slack_user_text_never_contains_a_special_command(text in any::<String>()) {
        let rendered = slack().user_text(&text);
        prop_assert!(!rendered.contains("<!"), "{:?} -> {:?}", text, rendered);
    }

    #[test]
    fn slack_user_text_of_markup_like_text_never_contains_a_special_command(
        text in "[<>!@&|^a-z#CU0-9 ]{0,40}"
    ) {
        let rendered = slack().user_text(&text);
        prop_assert!(!rendered.contains("<!"), "{:?} -> {:?}", text, rendered);
    }

    #[test]
    fn discord_user_text_never_contains_a_broadcast(text in any::<String>()) {
        let rendered = discord().user_text(&text);
        prop_assert!(!rendered.contains("@everyone") && !rendered.contains("@here"));
    }

    #[test]
    fn discord_user_text_of_mention_like_text_never_contains_a_broadcast(
        text in "[<>@&!everyonhr0-9 ]{0,40}"
    ) {
        let rendered = discord().user_text(&text);
        prop_assert!(!rendered.contains("@everyone") && !rendered.contains("@here"));
        prop_assert!(!rendered.contains("<@&"));
    }

    #[test]
    fn split_message_keeps_every_part_whole_when_parts_fit(
        texts in prop::collection::vec("[a-zé \n]{0,30}", 0..12),
        limit in 30usize..120,
    ) {
        let messages = split_message(&texts, limit);
        prop_assert!(messages.iter().all(|m| m.chars().count() <= limit));
        prop_assert_eq!(messages.join("\n"), texts.join("\n"));
    }

    #[test]
    fn split_message_never_exceeds_the_limit_or_loses_text(
        texts in prop::collection::vec(any::<String>(), 0..8),
        limit in 1usize..50,
    ) {
        let messages = split_message(&texts, limit);
        prop_assert!(messages.iter().all(|m| m.chars().count() <= limit));
        prop_assert_eq!(non_whitespace(&messages.concat()), non_whitespace(&texts.concat()));
    }
}

#[test]
fn slack_user_mentions_can_be_named_without_pinging() {
    let text = "waiting on <@U2> and <@U3|carol>, cc <@U2>; not <@bad id> or <@U4";
    let named = slack::name_user_mentions(text, |id| if id == "U2" { "bob".into() } else { id.into() });
    assert_eq!(named, "waiting on @bob and @U3, cc @bob; not <@bad id> or <@U4");
    assert_eq!(super::mentioned_users(text), ["U2", "U3"]);
    let rendered = slack().user_text(&named);
    assert!(!rendered.contains("<@"), "{rendered}");
}

#[test]
fn one_reader_reads_mentions_of_both_platforms_with_underscores_and_hyphens() {
    let text = "<@U_ALICE> and <@W-2|bob>, <@!123>, <@456> again <@U_ALICE>; not <@&789> <#C1> <!here> <@bad id> <@U4";
    assert_eq!(super::mentioned_users(text), ["U_ALICE", "W-2", "123", "456"]);
    assert_eq!(mentioned_user_ids(text), ["123", "456"], "allowed_mentions takes snowflakes only");
}

#[test]
fn a_question_label_is_never_left_apart_from_its_answer() {
    let answer = "x".repeat(2_500);
    let part = format!("**alice**\n- *Done?* {answer}\n- *Next?* more");
    let messages = split_message(&[part], DISCORD_MESSAGE_LIMIT);
    assert!(messages.len() > 1, "{messages:?}");
    for message in &messages {
        assert!(message.chars().count() <= DISCORD_MESSAGE_LIMIT);
        assert!(!message.trim_end().ends_with("*Done?*"), "a label ends a message: {message:?}");
    }
    assert!(messages.iter().any(|m| m.contains("- *Done?* xxx")), "the label keeps the start of its answer");
    let slack_line = format!("• _What did you do?_ {}", "y".repeat(3_100));
    let sections = slack_sections(&slack_line);
    assert!(sections[0].starts_with("• _What did you do?_ yyy"), "{:?}", &sections[0][..40]);
}

fn outgoing(to: Destination, text: String) -> OutgoingMessage {
    OutgoingMessage::new(to, Purpose::Brief, text)
        .pinging(["1".to_owned()])
        .with_actions(vec![MessageAction::SkipStandup { standup: "daily".into() }])
}

#[test]
fn split_for_keeps_a_message_that_fits_and_cuts_a_long_one_between_paragraphs() {
    let short = outgoing(Destination::Dm { user: "1".into() }, "hello".into());
    assert_eq!(split_for(Platform::Discord, short.clone()), [short]);

    let paragraph = |n: usize| format!("paragraph {n}\n{}", "word ".repeat(80).trim_end());
    let text = (0..8).map(paragraph).collect::<Vec<_>>().join("\n\n");
    assert!(text.chars().count() > DISCORD_MESSAGE_LIMIT);
    let pieces = split_for(Platform::Discord, outgoing(Destination::Dm { user: "1".into() }, text.clone()));
    assert!(pieces.len() > 1);
    for (index, piece) in pieces.iter().enumerate() {
        assert!(piece.text.chars().count() <= DISCORD_MESSAGE_LIMIT);
        assert!(piece.text.starts_with("paragraph "), "cut between paragraphs: {:?}", &piece.text[..20]);
        assert_eq!(piece.mentions, ["1"]);
        assert_eq!(piece.actions.is_empty(), index + 1 < pieces.len(), "buttons under the last piece only");
    }
    let joined: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(joined.join("\n\n"), text, "nothing lost");

    let on_slack = split_for(Platform::Slack, outgoing(Destination::Dm { user: "U1".into() }, text.clone()));
    assert_eq!(on_slack.len(), 1, "one Slack message of sections");
    assert!(slack_sections(&on_slack[0].text).len() <= SLACK_MAX_BLOCKS);
}

#[test]
fn a_file_is_never_cut_and_goes_whole_with_the_last_piece() {
    let file = Attachment {
        filename: "unhurried-export.json".into(),
        content_type: "application/json".into(),
        text: format!("{{\"answers\": \"{}\"}}", "x".repeat(50_000)),
    };
    let short = OutgoingMessage::new(Destination::Dm { user: "1".into() }, Purpose::CommandReply, "Your data")
        .with_attachment(file.clone());
    assert_eq!(split_for(Platform::Discord, short.clone()), [short], "the file's size does not count as text");

    let long = (0..8).map(|n| format!("paragraph {n}\n{}", "word ".repeat(80))).collect::<Vec<_>>().join("\n\n");
    let pieces = split_for(
        Platform::Discord,
        OutgoingMessage::new(Destination::Dm { user: "1".into() }, Purpose::CommandReply, long)
            .with_attachment(file.clone()),
    );
    assert!(pieces.len() > 1);
    let with_file: Vec<usize> = (0..pieces.len()).filter(|&i| pieces[i].attachment.is_some()).collect();
    assert_eq!(with_file, [pieces.len() - 1], "one whole copy, on the last piece");
    assert_eq!(pieces.last().unwrap().attachment.as_ref(), Some(&file));
}

#[test]
fn slack_messages_hold_up_to_40000_characters_and_an_update_that_grows_posts_the_rest() {
    let parts: Vec<String> = (0..30).map(|n| format!("*member{n}*\n{}", "• _Done?_ shipped it ".repeat(100))).collect();
    let texts = split_parts(Platform::Slack, &parts);
    assert!(texts.len() > 1, "over 40,000 characters: {}", texts.len());
    for text in &texts {
        assert!(text.chars().count() <= SLACK_MESSAGE_LIMIT);
        let sections = slack_sections(text);
        assert!(sections.len() <= SLACK_MAX_BLOCKS && sections.iter().all(|s| s.chars().count() <= 3_000));
        assert!(text.starts_with("*member"), "cut between members");
    }
    let few = split_parts(Platform::Slack, &parts[..3]);
    assert_eq!(few.len(), 1, "a digest that fits is one message");

    let update = Destination::Update { channel: "C1".into(), message: "m1".into() };
    let pieces = split_for(Platform::Discord, outgoing(update.clone(), "a ".repeat(1_500)));
    assert_eq!(pieces[0].to, update);
    assert!(pieces[1..].iter().all(|p| p.to == Destination::Post { channel: "C1".into() }));
}
