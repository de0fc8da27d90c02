use chrono::{Duration, NaiveDate, NaiveTime};
use proptest::prelude::*;

use super::*;

fn ok(text: &str) -> Command {
    parse(text).unwrap_or_else(|e| panic!("{text:?} failed: {e}"))
}

/// The error for `text`, checked to be one friendly line.
fn err(text: &str) -> String {
    let message = match parse(text) {
        Ok(command) => panic!("{text:?} parsed as {command:?}"),
        Err(CommandError(message)) => message,
    };
    assert!(!message.contains('\n'), "{text:?}: multi-line error {message:?}");
    assert!(!message.is_empty());
    message
}

fn standup(text: &str) -> StandupCommand {
    match ok(text) {
        Command::Standup(command) => command,
        other => panic!("{text:?} parsed as {other:?}"),
    }
}

fn options(text: &str) -> StandupOptions {
    match standup(text) {
        StandupCommand::Create { options, .. } | StandupCommand::Edit { options, .. } => options,
        other => panic!("{text:?} parsed as {other:?}"),
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

const CREATE: &str = "standup create daily at=09:30 questions=\"Yesterday?|Today?|Blockers?\"";

#[test]
fn empty_input_and_help_show_usage() {
    assert_eq!(ok(""), Command::Help);
    assert_eq!(ok("   "), Command::Help);
    assert_eq!(ok("help"), Command::Help);
    assert_eq!(ok("HELP standup"), Command::Help);
    assert_eq!("help".parse::<Command>().unwrap(), Command::Help);
}

#[test]
fn keywords_are_case_insensitive() {
    assert_eq!(ok("ME"), Command::Me);
    assert_eq!(ok("Who"), Command::Who);
    assert_eq!(ok("Forget-Me"), Command::ForgetMe);
    assert_eq!(ok("Export-ME"), Command::ExportMe);
    assert_eq!(ok("BRIEF Off"), Command::Brief(false));
    assert_eq!(standup("Standup LIST"), StandupCommand::List);
    assert_eq!(ok("nudge DRY-RUN"), Command::Nudge(NudgeMode::DryRun));
}

#[test]
fn commands_without_arguments_refuse_extra_words() {
    for text in ["me please", "who is on", "forget-me now", "export-me everyone", "standup list all"] {
        assert!(err(text).contains("takes nothing after it"), "{text}");
    }
}

#[test]
fn unknown_commands_suggest_help_and_close_words() {
    let message = err("stnadup list");
    assert!(message.contains("did you mean `/async standup`"), "{message}");
    assert!(err("frobnicate").ends_with("Try `/async help`."));
    assert!(err("standup jion daily").contains("did you mean `/async standup join`"));
    assert!(err("standup").contains("Try `/async help`."));
}

#[test]
fn tz_accepts_iana_names_in_any_case() {
    assert_eq!(ok("tz Europe/Berlin"), Command::Tz("Europe/Berlin".parse().unwrap()));
    assert_eq!(ok("tz america/new_york").to_owned(), Command::Tz("America/New_York".parse().unwrap()));
    assert_eq!(ok("tz UTC"), Command::Tz(Timezone::UTC));
}

#[test]
fn tz_typos_get_close_match_suggestions() {
    assert_eq!(err("tz Europe/Berln"), "'Europe/Berln' is not a timezone — did you mean Europe/Berlin?");
    assert!(err("tz Berln").contains("did you mean Europe/Berlin"));
    assert!(err("tz America/New York").contains("America/New_York"));
    assert!(err("tz Sao Paulo").contains("America/Sao_Paulo"));
    assert!(err("tz asia/tokio").contains("Asia/Tokyo"));
    assert!(err("tz Kolkatta").contains("Asia/Kolkata"));
}

#[test]
fn tz_without_a_close_match_names_the_expected_form() {
    assert_eq!(
        err("tz Mars/Olympus_Mons"),
        "'Mars/Olympus_Mons' is not a timezone — use an IANA name like Europe/Berlin or America/New_York."
    );
    assert!(err("tz").contains("/async tz Europe/Berlin"));
}

#[test]
fn suggestions_are_few_and_best_first() {
    let suggestions = suggest_zones("europe/londn");
    assert_eq!(suggestions.first(), Some(&"Europe/London"));
    assert!(suggestions.len() <= 3);
    assert!(suggest_zones("zzzzzzzzzzzz").is_empty());
    assert_eq!(suggest_zones("Amercia/Chicago"), ["America/Chicago"]);
}

#[test]
fn hours_take_a_range_and_optional_days() {
    assert_eq!(ok("hours 09:00-17:30"), Command::Hours { hours: "09:00-17:30".parse().unwrap(), days: None });
    assert_eq!(
        ok("hours 08:00-16:00 sun-thu"),
        Command::Hours { hours: "08:00-16:00".parse().unwrap(), days: Some("sun-thu".parse().unwrap()) }
    );
    assert_eq!(
        ok("hours 9:00-17:00 mon, wed, fri"),
        Command::Hours { hours: "09:00-17:00".parse().unwrap(), days: Some("mon,wed,fri".parse().unwrap()) }
    );
}

#[test]
fn bad_hours_are_one_line_errors() {
    assert!(err("hours").contains("/async hours 09:00-17:30"));
    assert!(err("hours 9-5").contains("not a time"));
    assert!(err("hours 09:00").contains("not a range of hours"));
    assert!(err("hours 09:00-09:00").contains("empty"));
    assert!(err("hours 09:00-17:00 funday").contains("not a day spec"));
}

#[test]
fn ooo_takes_a_range_a_single_day_or_off() {
    assert_eq!(ok("ooo 2026-03-30..2026-04-03"), Command::Ooo { from: day("2026-03-30"), to: day("2026-04-03") });
    assert_eq!(ok("ooo 2026-03-30 .. 2026-04-03"), Command::Ooo { from: day("2026-03-30"), to: day("2026-04-03") });
    assert_eq!(ok("ooo 2026-03-30"), Command::Ooo { from: day("2026-03-30"), to: day("2026-03-30") });
    assert_eq!(ok("ooo OFF"), Command::OooOff);
}

#[test]
fn bad_ooo_ranges_are_one_line_errors() {
    assert!(err("ooo 2026-04-03..2026-03-30").contains("ends (2026-03-30) before it starts"));
    assert!(err("ooo 30/03/2026").contains("YYYY-MM-DD"));
    assert!(err("ooo 2026-02-30").contains("not a date"));
    assert!(err("ooo 2026-03-30..").contains("not a date"));
    assert!(err("ooo").contains("/async ooo off"));
}

#[test]
fn brief_is_on_or_off() {
    assert_eq!(ok("brief on"), Command::Brief(true));
    assert_eq!(ok("brief off"), Command::Brief(false));
    assert_eq!(err("brief maybe"), "Use `/async brief on` or `/async brief off`.");
    assert!(err("brief").contains("brief on"));
}

#[test]
fn standup_participation_commands_take_a_name() {
    assert_eq!(standup("standup list"), StandupCommand::List);
    assert_eq!(standup("standup join daily"), StandupCommand::Join("daily".into()));
    assert_eq!(standup("standup leave team_sync-2"), StandupCommand::Leave("team_sync-2".into()));
    assert_eq!(standup("standup delete daily"), StandupCommand::Delete { name: "daily".into(), confirm: false });
    assert_eq!(standup("standup delete daily confirm"), StandupCommand::Delete { name: "daily".into(), confirm: true });
    assert!(err("standup delete daily now").contains("only `confirm`"));
    assert_eq!(standup("standup pause daily"), StandupCommand::Pause("daily".into()));
    assert_eq!(standup("standup resume daily"), StandupCommand::Resume("daily".into()));
}

#[test]
fn standup_names_are_checked() {
    assert!(err("standup join").contains("Which standup?"));
    assert!(err("standup join daily weekly").contains("takes one value"));
    assert!(err("standup join da!ly").contains("not a standup name"));
    let too_long = format!("standup join {}", "a".repeat(41));
    assert!(err(&too_long).contains("1 to 40"));
    assert!(parse(&format!("standup join {}", "a".repeat(40))).is_ok());
}

#[test]
fn standup_skip_takes_an_optional_standup_and_date() {
    assert_eq!(standup("standup skip"), StandupCommand::Skip { standup: None, date: None });
    assert_eq!(
        standup("standup skip 2026-04-01"),
        StandupCommand::Skip { standup: None, date: Some(day("2026-04-01")) }
    );
    assert_eq!(
        standup("standup skip daily 2026-04-01"),
        StandupCommand::Skip { standup: Some("daily".into()), date: Some(day("2026-04-01")) }
    );
    assert_eq!(standup("standup skip daily"), StandupCommand::Skip { standup: Some("daily".into()), date: None });
    assert!(err("standup skip 2026-13-01").contains("YYYY-MM-DD"));
    assert!(err("standup skip 2026-04-01 2026-04-02").contains("standup skip [<name>] [<date>]"));
    assert!(err("standup skip daily weekly").contains("standup skip [<name>] [<date>]"));
}

#[test]
fn standup_answer_reads_a_name_and_pipe_separated_answers() {
    let answer = |standup: Option<&str>, answers: &[&str]| StandupCommand::Answer {
        standup: standup.map(str::to_owned),
        answers: answers.iter().map(|a| (*a).to_owned()).collect(),
    };
    assert_eq!(standup("standup answer"), answer(None, &[]));
    assert_eq!(standup("standup answer daily"), answer(Some("daily"), &[]));
    assert_eq!(
        standup("standup answer shipped the importer | tests for DST | none"),
        answer(None, &["shipped the importer", "tests for DST", "none"])
    );
    assert_eq!(
        standup("standup answer daily: shipped | \"quoted\" text | none"),
        answer(Some("daily"), &["shipped", "\"quoted\" text", "none"])
    );
    assert_eq!(standup("standup answer done!"), answer(None, &["done!"]));
}

#[test]
fn bad_standup_answers_are_one_line_errors() {
    assert_eq!(err("standup answer a || c"), "Answer 2 is empty: write something between the | separators.");
    assert!(err("standup answer a|b|c|d|e|f").contains("at most 5 questions"));
}

#[test]
fn standup_preview_takes_a_name_and_optional_days() {
    assert_eq!(standup("standup preview daily"), StandupCommand::Preview { name: "daily".into(), days: None });
    assert_eq!(standup("standup preview daily 7"), StandupCommand::Preview { name: "daily".into(), days: Some(7) });
    assert!(err("standup preview").contains("Which standup?"));
    assert!(err("standup preview daily 0").contains("1 to 31"));
    assert!(err("standup preview daily 99").contains("1 to 31"));
    assert!(err("standup preview daily week").contains("not a number of days"));
}

#[test]
fn standup_create_reads_every_option() {
    let text = "standup create daily at=09:30 days=mon-fri channel=<#C123> \
                questions=\"Yesterday?|Today?|Blockers?\" blocker=3 digest=17:00 \
                digest_tz=Europe/Berlin reminder=2h members=<@U1>,<@U2|bob>";
    let StandupCommand::Create { name, options } = standup(text) else {
        panic!("not a create");
    };
    assert_eq!(name, "daily");
    assert_eq!(
        options,
        StandupOptions {
            at: Some(time(9, 30)),
            days: Some(Weekdays::MON_FRI),
            cron: None,
            channel: Some("C123".into()),
            questions: Some(vec!["Yesterday?".into(), "Today?".into(), "Blockers?".into()]),
            blocker: Some(3),
            digest_at: Some(time(17, 0)),
            digest_tz: Some("Europe/Berlin".parse().unwrap()),
            reminder: Some(Some(Duration::hours(2))),
            members: Some(vec!["U1".into(), "U2".into()]),
            holidays: None,
            weekly_summary: None,
            digest_when_empty: None,
        }
    );
}

#[test]
fn digest_when_empty_reads_skip_or_post_and_nothing_else() {
    use super::DigestWhenEmpty;
    let edit = |text: &str| match standup(&format!("standup edit daily {text}")) {
        StandupCommand::Edit { options, .. } => options.digest_when_empty,
        other => panic!("not an edit: {other:?}"),
    };
    assert_eq!(edit("digest_when_empty=skip"), Some(DigestWhenEmpty::Skip));
    assert_eq!(edit("digest_when_empty=POST"), Some(DigestWhenEmpty::Post));
    let error = parse("standup edit daily digest_when_empty=never").unwrap_err().0;
    assert!(error.contains("digest_when_empty=skip") && !error.contains('\n'), "{error}");
}

#[test]
fn weekly_summary_reads_a_day_and_a_time_quoted_or_not_or_off() {
    use chrono::Weekday;
    let at = |day, h, m| Some(Some(super::WeeklyAt { day, at: time(h, m) }));
    let edit = |text: &str| match standup(&format!("standup edit daily {text}")) {
        StandupCommand::Edit { options, .. } => options.weekly_summary,
        other => panic!("not an edit: {other:?}"),
    };
    assert_eq!(edit("weekly_summary=fri 16:00"), at(Weekday::Fri, 16, 0));
    assert_eq!(edit("weekly_summary=\"Monday 09:15\" at=10:00"), at(Weekday::Mon, 9, 15));
    assert_eq!(edit("weekly_summary=off"), Some(None));
    for bad in ["weekly_summary=fri", "weekly_summary=someday", "weekly_summary=\"fri 25:00\""] {
        let error = parse(&format!("standup edit daily {bad}")).unwrap_err().0;
        assert!(!error.contains('\n'), "{error}");
    }
}

#[test]
fn standup_create_accepts_cron_smart_quotes_and_spaced_member_lists() {
    let cron = options("standup create daily cron=“0 30 9 * * Mon-Fri” questions=“What did you do? | What next?”");
    assert_eq!(cron.cron.as_deref(), Some("0 30 9 * * Mon-Fri"));
    assert_eq!(cron.questions.unwrap(), ["What did you do?", "What next?"]);
    let members = options(&format!("{CREATE} members=<@U1>, <@U2> <@U1>"));
    assert_eq!(members.members.unwrap(), ["U1", "U2"]);
    let discord = options(&format!("{CREATE} members=<@!80351110224678912>,<@123> channel=<#456>"));
    assert_eq!(discord.members.unwrap(), ["80351110224678912", "123"]);
    assert_eq!(discord.channel.as_deref(), Some("456"));
    let bare = options(&format!("{CREATE} members=U1,W2 channel=C1 digest_at=17:00 reminder=off"));
    assert_eq!(bare.members.unwrap(), ["U1", "W2"]);
    assert_eq!(bare.channel.as_deref(), Some("C1"));
    assert_eq!(bare.digest_at, Some(time(17, 0)));
    assert_eq!(bare.reminder, Some(None));
}

#[test]
fn standup_create_needs_questions_and_a_schedule() {
    assert!(err("standup create daily at=09:30").contains("needs questions"));
    assert!(err("standup create daily questions=\"A?\"").contains("needs a time"));
    assert!(err("standup create daily days=mon-fri questions=\"A?\"").contains("needs a time"));
    assert!(err("standup create").contains("Which standup?"));
    assert!(err("standup create bad.name at=09:30").contains("not a standup name"));
}

#[test]
fn standup_edit_changes_only_what_is_given() {
    let StandupCommand::Edit { name, options } = standup("standup edit daily reminder=off") else {
        panic!("not an edit");
    };
    assert_eq!(name, "daily");
    assert_eq!(options, StandupOptions { reminder: Some(None), ..StandupOptions::default() });
    assert!(err("standup edit daily").contains("Nothing to change"));
    assert!(ok("standup edit daily blocker=5").requires_admin());
}

#[test]
fn malformed_standup_options_are_one_line_errors() {
    let cases = [
        ("colour=red", "is not a standup option; use at, days"),
        ("reminde=2h", "did you mean `reminder`?"),
        ("at=09:30 at=10:00", "`at` is given twice"),
        ("AT=09:30 at=10:00", "`at` is given twice"),
        ("questions=\"\"", "`questions=` needs a value"),
        ("questions=\"A?||C?\"", "Question 2 is empty"),
        ("questions=\"1|2|3|4|5|6\"", "at most 5"),
        ("blocker=0", "blocker=0 is out of range"),
        ("blocker=6", "blocker=6 is out of range"),
        ("blocker=x", "blocker=x is out of range"),
        ("questions=\"A?|B?\" blocker=3", "only 2 questions"),
        ("at=9.30", "'9.30' is not a time"),
        ("at=25:00", "is not a time"),
        ("digest=noon", "is not a time"),
        ("days=weekdayz", "not a day spec"),
        ("digest_tz=Europe/Berln", "did you mean Europe/Berlin"),
        ("reminder=soon", "is not a duration"),
        ("reminder=0s", "reminder=0s would remind at once"),
        ("cron=\"0 30 9 * * Mon-Fri\" at=09:30", "either cron= or at=/days="),
        ("cron=\"0 30 9 * * *\" days=mon-fri", "either cron= or at=/days="),
        ("cron=0 30 9 * * Mon-Fri", "quote values with spaces"),
        ("cron=\"  \"", "`cron=` needs a value"),
        ("channel=#team", "which channel `#team` is"),
        ("members=@alice", "who `@alice` is"),
        ("members=<@&123>", "is a role"),
        ("members=,", "needs at least one member"),
        ("questions=\"unclosed", "quote is not closed"),
        ("loose", "`loose` is not an option"),
    ];
    for (option, expected) in cases {
        let message = err(&format!("standup edit daily {option}"));
        assert!(message.contains(expected), "{option}: {message}");
    }
}

#[test]
fn digest_takes_an_action_and_a_standup() {
    assert_eq!(ok("digest now daily"), Command::Digest { action: DigestAction::Now, standup: "daily".into() });
    assert_eq!(ok("digest Preview daily"), Command::Digest { action: DigestAction::Preview, standup: "daily".into() });
    assert!(err("digest later daily").contains("digest now <standup>"));
    assert!(err("digest now").contains("Which standup?"));
    assert!(err("digest now da ily").contains("not a standup name"));
}

#[test]
fn nudge_modes_parse_and_print() {
    for mode in [NudgeMode::On, NudgeMode::Off, NudgeMode::DryRun] {
        assert_eq!(ok(&format!("nudge {mode}")), Command::Nudge(mode));
        assert_eq!(mode.as_str().parse::<NudgeMode>().unwrap(), mode);
    }
    assert_eq!("dry_run".parse::<NudgeMode>().unwrap(), NudgeMode::DryRun);
    assert!(err("nudge loud").contains("is not a nudge mode"));
    assert!(err("nudge").contains("/async nudge dry-run"));
}

#[test]
fn decide_keeps_the_decision_text_as_written() {
    assert_eq!(
        ok("decide We ship on \"Tuesdays\" & <@U1> owns it"),
        Command::Decide("We ship on \"Tuesdays\" & <@U1> owns it".into())
    );
    assert!(err("decide").contains("/async decide We release on Tuesdays"));
    assert!(err("decide   ").contains("Write the decision"));
}

#[test]
fn decisions_take_optional_search_words() {
    assert_eq!(ok("decisions"), Command::Decisions(None));
    assert_eq!(ok("decisions release train"), Command::Decisions(Some("release train".into())));
}

#[test]
fn stats_take_an_optional_number_of_days() {
    assert_eq!(ok("stats"), Command::Stats(None));
    assert_eq!(ok("stats 30"), Command::Stats(Some(30)));
    assert!(err("stats 0").contains("1 to 365"));
    assert!(err("stats 1000").contains("1 to 365"));
    assert!(err("stats -3").contains("not a number of days"));
    assert!(err("stats a week").contains("not a number of days"));
}

#[test]
fn only_management_commands_require_an_admin() {
    let admin = [
        CREATE.to_owned(),
        "standup edit daily at=10:00".into(),
        "standup delete daily".into(),
        "standup pause daily".into(),
        "standup resume daily".into(),
        "digest now daily".into(),
        "digest preview daily".into(),
        "nudge off".into(),
        "nudge channel on".into(),
        "holidays add 2026-12-25".into(),
        "holidays calendar off".into(),
    ];
    for text in &admin {
        assert!(ok(text).requires_admin(), "{text}");
    }
    let anyone = [
        "help",
        "me",
        "tz UTC",
        "hours 09:00-17:00",
        "ooo off",
        "who",
        "brief on",
        "standup list",
        "standup join daily",
        "standup leave daily",
        "standup skip",
        "standup answer",
        "standup preview daily",
        "decide x",
        "decisions",
        "stats",
        "forget-me",
        "export-me",
        "nudge me off",
        "holidays list",
    ];
    for text in anyone {
        assert!(!ok(text).requires_admin(), "{text}");
    }
}

#[test]
fn usage_names_every_command_and_fits_one_message() {
    let text = usage();
    assert!(text.chars().count() <= crate::domain::markup::DISCORD_MESSAGE_LIMIT);
    for word in [
        "me",
        "tz",
        "hours",
        "ooo",
        "who",
        "brief",
        "standup list",
        "join",
        "leave",
        "skip",
        "answer",
        "create",
        "edit",
        "delete",
        "pause",
        "resume",
        "preview",
        "digest now",
        "nudge",
        "decide",
        "decisions",
        "stats",
        "forget-me",
        "export-me",
        "cron=",
        "nudge me off|on",
        "holidays add",
        "holidays calendar",
    ] {
        assert!(text.contains(word), "usage lacks {word}");
    }
}

#[test]
fn errors_from_the_value_parsers_keep_their_sentence() {
    let message: CommandError = "x".parse::<WorkingHours>().unwrap_err().into();
    assert!(message.0.starts_with("'x' is not a range of hours"));
    assert!(message.0.ends_with('.'));
}

#[test]
fn errors_stay_on_one_line_when_the_input_has_line_breaks() {
    assert_eq!(
        err("tz Mars/\nOlympus"),
        "'Mars/ Olympus' is not a timezone — use an IANA name like Europe/Berlin or America/New_York."
    );
}

proptest! {
    #[test]
    fn any_input_parses_or_fails_with_one_line(text in any::<String>()) {
        if let Err(CommandError(message)) = parse(&text) {
            prop_assert!(!message.is_empty() && !message.contains('\n'));
        }
    }

    #[test]
    fn command_like_input_parses_or_fails_with_one_line(
        head in prop::sample::select(vec!["tz", "hours", "ooo", "standup create d", "standup edit d",
            "standup answer", "standup preview d", "stats", "digest now", "nudge"]),
        tail in "[a-z0-9=:|\"“” .,<>@#!/-]{0,30}",
    ) {
        if let Err(CommandError(message)) = parse(&format!("{head} {tail}")) {
            prop_assert!(!message.is_empty() && !message.contains('\n'));
        }
    }
}

/// The text a typed invocation of `spec` makes with every option's example value, as the Discord
/// adapter writes it.
fn example_text(spec: &CommandSpec) -> String {
    let given: Vec<(&str, String)> =
        spec.options.iter().filter(|o| !o.example.is_empty()).map(|o| (o.name, o.example.to_owned())).collect();
    command_text(spec.path, &given).unwrap_or_else(|| panic!("{:?}: options do not render", spec.path))
}

#[test]
fn every_command_in_the_table_parses_from_its_typed_options_as_itself() {
    for spec in COMMANDS {
        let text = example_text(spec);
        let parsed = parse(&text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"));
        assert_eq!(parsed.path(), spec.path, "{text:?} parsed as {parsed:?}");
        assert_eq!(parsed.requires_admin(), spec.access == Access::Admin, "{text:?}");
        // Only the required options: still the same command, or a one-line error for a
        // command whose grammar needs more (create needs questions and a time).
        let required: Vec<(&str, String)> =
            spec.options.iter().filter(|o| o.required).map(|o| (o.name, o.example.to_owned())).collect();
        let minimal = command_text(spec.path, &required).unwrap();
        if let Ok(parsed) = parse(&minimal) {
            assert_eq!(parsed.path(), spec.path, "{minimal:?}");
        }
    }
}

#[test]
fn every_command_has_help_and_a_short_description() {
    let text = usage();
    assert!(text.chars().count() <= crate::domain::markup::DISCORD_MESSAGE_LIMIT, "{} chars", text.chars().count());
    for spec in COMMANDS.iter().filter(|spec| spec.path != ["help"]) {
        let last = spec.path[spec.path.len() - 1];
        assert!(text.contains(last), "usage lacks {:?}", spec.path);
        // Discord refuses descriptions over 100 characters and names over 32.
        assert!((1..=100).contains(&spec.help.chars().count()), "{:?}", spec.path);
        for option in spec.options {
            assert!((1..=100).contains(&option.help.chars().count()), "{:?} {}", spec.path, option.name);
            assert!(option.name.len() <= 32 && option.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(option.choices.is_empty() || option.choices.contains(&option.example));
        }
        let groups: Vec<&str> = GROUPS.iter().map(|g| g.name).collect();
        assert_eq!(spec.path.len() == 2, groups.contains(&spec.path[0]), "{:?}", spec.path);
    }
    for group in GROUPS {
        assert!(COMMANDS.iter().any(|spec| spec.path[0] == group.name), "{} has no subcommand", group.name);
    }
}

#[test]
fn typed_options_that_the_command_does_not_have_are_refused() {
    assert_eq!(command_text(&["tz"], &[("zone", "UTC".into())]).as_deref(), Some("tz UTC"));
    assert_eq!(command_text(&["tz"], &[("hours", "x".into())]), None);
    assert_eq!(command_text(&["nope"], &[]), None);
    assert_eq!(
        command_text(&["standup", "delete"], &[("name", "daily".into()), ("confirm", "false".into())]).as_deref(),
        Some("standup delete daily")
    );
}

#[test]
fn nudge_me_is_anyones_and_the_channel_mode_keeps_its_short_form() {
    assert_eq!(ok("nudge me off"), Command::NudgeMe(false));
    assert_eq!(ok("Nudge ME On"), Command::NudgeMe(true));
    assert!(!ok("nudge me off").requires_admin());
    assert_eq!(ok("nudge channel dry-run"), Command::Nudge(NudgeMode::DryRun));
    assert_eq!(ok("nudge off"), Command::Nudge(NudgeMode::Off));
    assert_eq!(err("nudge me"), "Use `/async nudge me on` or `/async nudge me off`.");
    assert!(err("nudge me maybe").contains("nudge me on"));
}

#[test]
fn holidays_commands_parse_and_only_list_is_for_everyone() {
    let holidays = |text: &str| match ok(text) {
        Command::Holidays(command) => command,
        other => panic!("{text:?} parsed as {other:?}"),
    };
    assert_eq!(holidays("holidays list"), HolidaysCommand::List);
    assert_eq!(holidays("holidays"), HolidaysCommand::List);
    assert_eq!(
        holidays("holidays add 2026-12-25 Christmas   Day"),
        HolidaysCommand::Add { date: day("2026-12-25"), name: Some("Christmas Day".into()) }
    );
    assert_eq!(holidays("holiday add 2026-12-26"), HolidaysCommand::Add { date: day("2026-12-26"), name: None });
    assert_eq!(holidays("holidays remove 2026-12-25"), HolidaysCommand::Remove(day("2026-12-25")));
    assert_eq!(
        holidays("holidays calendar https://example.org/h.ics"),
        HolidaysCommand::Calendar(Some("https://example.org/h.ics".into()))
    );
    assert_eq!(
        holidays("holidays calendar <https://example.org/h.ics|example.org/h.ics>"),
        HolidaysCommand::Calendar(Some("https://example.org/h.ics".into()))
    );
    assert_eq!(
        holidays("holidays calendar http://127.0.0.1:8080/h.ics"),
        HolidaysCommand::Calendar(Some("http://127.0.0.1:8080/h.ics".into()))
    );
    assert_eq!(holidays("holidays calendar OFF"), HolidaysCommand::Calendar(None));
    assert!(!ok("holidays list").requires_admin());
    assert!(ok("holidays add 2026-12-25").requires_admin());
    assert!(ok("holidays remove 2026-12-25").requires_admin());
    assert!(ok("holidays calendar off").requires_admin());
}

#[test]
fn bad_holidays_commands_are_one_line_errors() {
    assert!(err("holidays add").contains("Which day?"));
    assert!(err("holidays add 25/12/2026").contains("YYYY-MM-DD"));
    assert!(err("holidays remove 2026-12-25 2026-12-26").contains("takes nothing after it"));
    assert!(err(&format!("holidays add 2026-12-25 {}", "x".repeat(81))).contains("at most 80"));
    assert!(err("holidays calendar http://example.org/h.ics").contains("https URL"));
    assert!(err("holidays calendar http://10.0.0.1/h.ics").contains("https URL"));
    assert!(err("holidays calendar ftp://example.org/h.ics").contains("https URL"));
    assert!(err("holidays calendar").contains("Which calendar?"));
    assert!(err("holidays lsit").contains("did you mean `/async holidays list`"));
}

#[test]
fn standup_holidays_option_sets_or_clears_its_own_days_off() {
    assert_eq!(
        options("standup edit daily holidays=2026-12-31,2026-12-24,2026-12-24").holidays,
        Some(vec![day("2026-12-24"), day("2026-12-31")])
    );
    assert_eq!(options("standup edit daily holidays=none").holidays, Some(vec![]));
    assert!(err("standup edit daily holidays=tomorrow").contains("YYYY-MM-DD"));
}

#[test]
fn standup_history_reads_name_member_and_days_in_any_order() {
    let history = |text: &str| standup(&format!("standup history {text}"));
    assert_eq!(history(""), StandupCommand::History { standup: None, member: None, days: None });
    assert_eq!(
        history("<@U2> 14 daily"),
        StandupCommand::History { standup: Some("daily".into()), member: Some("U2".into()), days: Some(14) }
    );
    for bad in ["daily weekly", "0", "<@U1> <@U2>", "400"] {
        assert!(parse(&format!("standup history {bad}")).is_err(), "{bad}");
    }
}

#[test]
fn an_error_never_echoes_a_huge_command_whole() {
    let one_word = "x".repeat(500_000);
    let echoed = err(&one_word);
    assert!(echoed.chars().count() < 200, "{echoed}");
    assert!(echoed.contains(&format!("{}…", "x".repeat(40))), "{echoed}");
    let many_words = "me ".to_owned() + &"word ".repeat(100_000);
    let echoed = err(&many_words);
    assert!(echoed.chars().count() <= 401, "{} chars", echoed.chars().count());
}
