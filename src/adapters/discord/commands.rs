//! Purpose: the `/async` application command — its definition with subcommand groups and typed
//! options mirroring SPEC §7, and the translation of a typed invocation back into the command text
//! the engine's parser reads, so both platforms share one grammar.

use serenity::all::{CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption};

/// The command's name.
pub const COMMAND_NAME: &str = "async";
/// Most autocomplete suggestions Discord shows.
const MAX_SUGGESTIONS: usize = 25;

/// How an option is written in the command text.
#[derive(Clone, Copy)]
enum Style {
    /// As a word, quoted if it has spaces.
    Positional,
    /// As the rest of the text, untouched (decision text, search words).
    Rest,
    /// As `name=value`.
    Keyed,
    /// A boolean written as its name when true (`confirm`), left out when false.
    Flag,
}

/// One typed option.
struct Opt {
    name: &'static str,
    kind: CommandOptionType,
    required: bool,
    style: Style,
    help: &'static str,
    /// Fixed choices (string options).
    choices: &'static [&'static str],
    /// Whether values are suggested as the user types (time zones).
    autocomplete: bool,
}

const fn opt(name: &'static str, kind: CommandOptionType, required: bool, style: Style, help: &'static str) -> Opt {
    Opt { name, kind, required, style, help, choices: &[], autocomplete: false }
}

const S: CommandOptionType = CommandOptionType::String;
const I: CommandOptionType = CommandOptionType::Integer;
const NAME: Opt = opt("name", S, true, Style::Positional, "standup name");
const ZONE: Opt =
    Opt { autocomplete: true, ..opt("zone", S, true, Style::Positional, "IANA time zone, like Europe/Berlin") };

/// Options of `standup create` and `standup edit` (SPEC §7 `key=value` options).
const MANAGE: &[Opt] = &[
    NAME,
    opt("at", S, false, Style::Keyed, "prompt time, HH:MM"),
    opt("days", S, false, Style::Keyed, "days, like mon-fri"),
    opt("cron", S, false, Style::Keyed, "cron with seconds, instead of at/days"),
    opt("channel", CommandOptionType::Channel, false, Style::Keyed, "report channel"),
    opt("questions", S, false, Style::Keyed, "questions separated by |"),
    opt("blocker", I, false, Style::Keyed, "number of the blocker question"),
    opt("digest", S, false, Style::Keyed, "digest time, HH:MM"),
    Opt { autocomplete: true, ..opt("digest_tz", S, false, Style::Keyed, "digest time zone") },
    opt("reminder", S, false, Style::Keyed, "reminder delay like 2h, or off"),
    opt("members", S, false, Style::Keyed, "members to add, as @mentions"),
];

/// A subcommand: (name, description, options).
type Sub = (&'static str, &'static str, &'static [Opt]);

/// Top-level subcommands.
const TOP: &[Sub] = &[
    ("help", "usage", &[]),
    ("me", "my zone, hours, standups and brief", &[]),
    ("who", "teammates' local time and whether they are working", &[]),
    ("forget-me", "delete my data", &[]),
    ("tz", "set my time zone", &[ZONE]),
    (
        "hours",
        "set my working hours and days",
        &[
            opt("hours", S, true, Style::Positional, "like 09:00-17:30"),
            opt("days", S, false, Style::Positional, "like mon-fri"),
        ],
    ),
    ("ooo", "out of office", &[opt("range", S, true, Style::Positional, "from..to (YYYY-MM-DD), or off")]),
    (
        "brief",
        "personal brief",
        &[Opt { choices: &["on", "off"], ..opt("state", S, true, Style::Positional, "on or off") }],
    ),
    (
        "nudge",
        "ping conversion in this channel (admin)",
        &[Opt { choices: &["on", "off", "dry-run"], ..opt("mode", S, true, Style::Positional, "on, off or dry-run") }],
    ),
    ("decide", "log a decision", &[opt("text", S, true, Style::Rest, "the decision")]),
    ("decisions", "list and search decisions", &[opt("words", S, false, Style::Rest, "search words")]),
    ("stats", "participation and pings converted", &[opt("days", I, false, Style::Positional, "days back")]),
];

/// Subcommand groups: (group, description, [(name, description, options)]).
const GROUPS: &[(&str, &str, &[Sub])] = &[
    (
        "standup",
        "standups",
        &[
            ("list", "list standups", &[]),
            ("join", "join a standup", &[NAME]),
            ("leave", "leave a standup", &[NAME]),
            (
                "skip",
                "skip a day",
                &[
                    opt("name", S, false, Style::Positional, "standup name, default all of yours"),
                    opt("date", S, false, Style::Positional, "YYYY-MM-DD, default today"),
                ],
            ),
            ("answer", "answer now", &[opt("name", S, false, Style::Positional, "standup name")]),
            ("preview", "next prompts per member", &[NAME, opt("days", I, false, Style::Positional, "days ahead")]),
            ("create", "create a standup (admin)", MANAGE),
            ("edit", "change a standup (admin)", MANAGE),
            (
                "delete",
                "delete a standup (admin); without confirm it says what would be removed",
                &[NAME, opt("confirm", CommandOptionType::Boolean, false, Style::Flag, "really delete it")],
            ),
            ("pause", "pause a standup (admin)", &[NAME]),
            ("resume", "resume a standup (admin)", &[NAME]),
        ],
    ),
    ("digest", "digests (admin)", &[("now", "post a digest now", &[NAME]), ("preview", "preview a digest", &[NAME])]),
];

fn build_option(o: &Opt) -> CreateCommandOption {
    let mut option = CreateCommandOption::new(o.kind, o.name, o.help).required(o.required);
    for choice in o.choices {
        option = option.add_string_choice(*choice, *choice);
    }
    if o.autocomplete {
        option = option.set_autocomplete(true);
    }
    option
}

fn build_sub(name: &str, help: &str, options: &[Opt]) -> CreateCommandOption {
    options.iter().fold(CreateCommandOption::new(CommandOptionType::SubCommand, name, help), |sub, o| {
        sub.add_sub_option(build_option(o))
    })
}

/// The `/async` command as registered with Discord.
pub fn definition() -> CreateCommand {
    let mut command = CreateCommand::new(COMMAND_NAME).description("make this team's chat asynchronous");
    for (name, help, options) in TOP {
        command = command.add_option(build_sub(name, help, options));
    }
    for (group, help, subs) in GROUPS {
        let group =
            subs.iter().fold(CreateCommandOption::new(CommandOptionType::SubCommandGroup, *group, *help), |g, s| {
                g.add_sub_option(build_sub(s.0, s.1, s.2))
            });
        command = command.add_option(group);
    }
    command
}

/// The option definitions of a subcommand path (`["tz"]`, `["standup", "create"]`).
fn options_of(path: &[&str]) -> Option<&'static [Opt]> {
    match path {
        [name] => TOP.iter().find(|(n, ..)| n == name).map(|t| t.2),
        [group, name] => GROUPS.iter().find(|(g, ..)| g == group)?.2.iter().find(|(n, ..)| n == name).map(|s| s.2),
        _ => None,
    }
}

/// A value as one command word: newlines flattened, quoted when it has spaces (the parser's
/// quotes cannot be escaped, so inner straight quotes become apostrophes).
fn word(value: &str) -> String {
    let value = value.replace(['\n', '\r'], " ").replace('"', "'");
    let value = value.trim();
    if value.chars().any(char::is_whitespace) { format!("\"{value}\"") } else { value.to_owned() }
}

fn value_text(value: &CommandDataOptionValue) -> Option<String> {
    match value {
        CommandDataOptionValue::String(s) => Some(s.clone()),
        CommandDataOptionValue::Integer(i) => Some(i.to_string()),
        CommandDataOptionValue::Number(n) => Some(n.to_string()),
        CommandDataOptionValue::Boolean(b) => Some(b.to_string()),
        CommandDataOptionValue::Channel(c) => Some(format!("<#{c}>")),
        CommandDataOptionValue::User(u, ..) => Some(format!("<@{u}>")),
        _ => None,
    }
}

/// The engine's command text for a typed invocation (`standup create daily at=09:30 …`), or
/// `None` when the options do not match the definition (a stale registration, a forged payload).
pub fn command_text(options: &[CommandDataOption]) -> Option<String> {
    let mut path: Vec<&str> = Vec::new();
    let mut level = options;
    loop {
        match level {
            [only] => match &only.value {
                CommandDataOptionValue::SubCommandGroup(inner) | CommandDataOptionValue::SubCommand(inner) => {
                    path.push(&only.name);
                    level = inner;
                    if matches!(only.value, CommandDataOptionValue::SubCommand(_)) {
                        break;
                    }
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    let defined = options_of(&path)?;
    let mut text = path.join(" ");
    for o in defined {
        let Some(given) = level.iter().find(|g| g.name == o.name) else { continue };
        let value = value_text(&given.value)?;
        let rendered = match o.style {
            Style::Positional => word(&value),
            Style::Rest => value.replace(['\n', '\r'], " ").trim().to_owned(),
            Style::Keyed => format!("{}={}", o.name, word(&value)),
            Style::Flag if value == "true" => o.name.to_owned(),
            Style::Flag => continue,
        };
        text.push(' ');
        text.push_str(&rendered);
    }
    Some(text.trim().to_owned())
}

/// Time zones whose name contains what the user typed (case-insensitive), best first: names
/// that start with it, then the rest, at most 25 (Discord's limit).
pub fn zone_suggestions(typed: &str) -> Vec<&'static str> {
    let typed = typed.trim().to_lowercase().replace(' ', "_");
    let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
    let (mut starts, mut contains): (Vec<_>, Vec<_>) =
        names.filter(|name| name.to_lowercase().contains(&typed)).partition(|name| {
            name.to_lowercase().starts_with(&typed) || name.to_lowercase().contains(&format!("/{typed}"))
        });
    starts.append(&mut contains);
    starts.truncate(MAX_SUGGESTIONS);
    starts
}
