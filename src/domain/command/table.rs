//! Purpose: the one definition of every `/async` command — its words, typed options, who may run
//! it and its help line. The parser dispatches through it, `/async help` is written from it, and
//! the Discord adapter registers it, so the four can no longer disagree.

use super::lexer::{date, nothing_after, split_word};
use super::{Command, CommandError, HolidaysCommand};

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Every member.
    Anyone,
    /// Workspace admins only.
    Admin,
}

/// The type of an option's value, as Discord types it (Slack reads the same words from text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// Free text.
    Text,
    /// A whole number.
    Integer,
    /// True or false.
    Boolean,
    /// A channel picked from a list.
    Channel,
}

/// How an option is written in the command text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// As a word, quoted if it has spaces.
    Positional,
    /// As the rest of the text, untouched (decision text, search words, a holiday's name).
    Rest,
    /// As `name=value`.
    Keyed,
    /// A boolean written as its name when true (`confirm`), left out when false.
    Flag,
}

/// One typed option of a command.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    /// Its name (Discord's option name; the key of a keyed option).
    pub name: &'static str,
    /// The type of its value.
    pub kind: OptionKind,
    /// Whether it must be given.
    pub required: bool,
    /// How it is written in the text.
    pub style: Style,
    /// One line saying what it is (at most 100 characters, Discord's limit).
    pub help: &'static str,
    /// Fixed choices, when the value is one of a few words.
    pub choices: &'static [&'static str],
    /// Whether values are suggested as the user types (time zones).
    pub autocomplete: bool,
    /// A value that parses, for the table's own tests; empty for an option that excludes
    /// another one of the same command (`cron` versus `at`/`days`).
    pub example: &'static str,
}

const fn opt(name: &'static str, kind: OptionKind, required: bool, style: Style, help: &'static str) -> OptionSpec {
    OptionSpec { name, kind, required, style, help, choices: &[], autocomplete: false, example: "" }
}

/// A required word.
const fn word(name: &'static str, help: &'static str, example: &'static str) -> OptionSpec {
    OptionSpec { example, ..opt(name, OptionKind::Text, true, Style::Positional, help) }
}

/// An optional word.
const fn maybe(name: &'static str, help: &'static str, example: &'static str) -> OptionSpec {
    OptionSpec { example, ..opt(name, OptionKind::Text, false, Style::Positional, help) }
}

/// A `key=value` option of `standup create/edit`.
const fn keyed(name: &'static str, help: &'static str, example: &'static str) -> OptionSpec {
    OptionSpec { example, ..opt(name, OptionKind::Text, false, Style::Keyed, help) }
}

/// A word with fixed choices.
const fn choice(name: &'static str, help: &'static str, choices: &'static [&'static str]) -> OptionSpec {
    OptionSpec { choices, example: choices[0], ..opt(name, OptionKind::Text, true, Style::Positional, help) }
}

const NAME: OptionSpec = word("name", "standup name", "daily");
const DAYS_BACK: OptionSpec =
    OptionSpec { example: "7", ..opt("days", OptionKind::Integer, false, Style::Positional, "days back") };
const DATE: OptionSpec = word("date", "YYYY-MM-DD", "2026-12-25");

/// Options of `standup create` and `standup edit` (SPEC §7 `key=value` options).
const MANAGE: &[OptionSpec] = &[
    NAME,
    keyed("at", "prompt time, HH:MM", "09:30"),
    keyed("days", "days, like mon-fri", "mon-fri"),
    // Excludes at/days, so the typed example leaves it out.
    keyed("cron", "cron with seconds, instead of at/days", ""),
    OptionSpec { example: "C123", ..opt("channel", OptionKind::Channel, false, Style::Keyed, "report channel") },
    keyed("questions", "questions separated by |", "Yesterday?|Today?|Blockers?"),
    OptionSpec {
        example: "3",
        ..opt("blocker", OptionKind::Integer, false, Style::Keyed, "number of the blocker question")
    },
    keyed("digest", "digest time, HH:MM", "17:00"),
    OptionSpec { autocomplete: true, ..keyed("digest_tz", "digest time zone", "Europe/Berlin") },
    keyed("reminder", "reminder delay like 2h, or off", "2h"),
    keyed("members", "members to add, as @mentions", "<@U1>,<@U2>"),
    keyed("holidays", "this standup's own days off, YYYY-MM-DD,…, or none", "2026-12-24,2026-12-31"),
    keyed("weekly_summary", "weekly participation post, like fri 16:00 (digest zone), or off", "fri 16:00"),
    OptionSpec {
        choices: &["skip", "post"],
        ..keyed("digest_when_empty", "a digest with nothing to report: skip it, or post one line", "skip")
    },
];

/// A group of subcommands (`standup …`): its word, other spellings, what it is, and how text
/// that names no subcommand of it is read.
pub struct GroupSpec {
    /// The group's word.
    pub name: &'static str,
    /// Other words that mean the same group (`standups`).
    pub aliases: &'static [&'static str],
    /// One line saying what it is (Discord's group description).
    pub help: &'static str,
    /// Reads text after the group word that does not start with one of its subcommands: an
    /// error naming them, or a shorthand (`nudge on` for `nudge channel on`).
    pub(super) otherwise: fn(sub: &str, text: &str) -> Result<Command, CommandError>,
}

/// One command: the words that name it, its options, who may run it and its help line.
pub struct CommandSpec {
    /// Its words: `["tz"]`, or a group and a subcommand: `["standup", "create"]`.
    pub path: &'static [&'static str],
    /// Its typed options, in the order they are written.
    pub options: &'static [OptionSpec],
    /// Who may run it.
    pub access: Access,
    /// What it does, in a few words (Discord's description; after the usage in `/async help`).
    pub help: &'static str,
    /// How it is written in `/async help`, after `/async` (none: left out of the help, as `help`).
    pub usage: &'static str,
    /// Reads the text after its words.
    pub(super) parse: fn(&str) -> Result<Command, CommandError>,
}

/// The groups, in the order Discord lists them.
pub static GROUPS: &[GroupSpec] = &[
    GroupSpec {
        name: "standup",
        aliases: &["standups"],
        help: "standups",
        otherwise: |sub, _| Err(super::standup::unknown_subcommand(sub)),
    },
    GroupSpec {
        name: "digest",
        aliases: &[],
        help: "digests (admin)",
        otherwise: |_, _| {
            Err(CommandError::new("Use `/async digest now <standup>` or `/async digest preview <standup>`."))
        },
    },
    GroupSpec {
        name: "nudge",
        aliases: &[],
        help: "ping conversion: this channel's (admin), or your own pings",
        otherwise: |_, text| super::parse_nudge(text),
    },
    GroupSpec {
        name: "holidays",
        aliases: &["holiday"],
        help: "workspace holidays: no prompts, reminders, digests or briefs",
        otherwise: |sub, _| match sub {
            "" => Ok(Command::Holidays(HolidaysCommand::List)),
            _ => Err(unknown_in_group("holidays", sub)),
        },
    },
];

/// Every command, in the order `/async help` and Discord show them.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        path: &["help"],
        options: &[],
        access: Access::Anyone,
        help: "usage",
        usage: "",
        parse: |_| Ok(Command::Help),
    },
    CommandSpec {
        path: &["me"],
        options: &[],
        access: Access::Anyone,
        help: "my zone, hours, standups and brief",
        usage: "me",
        parse: |rest| nothing_after("me", rest).map(|()| Command::Me),
    },
    CommandSpec {
        path: &["who"],
        options: &[],
        access: Access::Anyone,
        help: "teammates' local time and whether they are working",
        usage: "who",
        parse: |rest| nothing_after("who", rest).map(|()| Command::Who),
    },
    CommandSpec {
        path: &["tz"],
        options: &[OptionSpec { autocomplete: true, ..word("zone", "IANA time zone, like Europe/Berlin", "UTC") }],
        access: Access::Anyone,
        help: "set my time zone",
        usage: "tz Europe/Berlin",
        parse: |rest| super::parse_tz(rest).map(Command::Tz),
    },
    CommandSpec {
        path: &["hours"],
        options: &[word("hours", "like 09:00-17:30", "09:00-17:30"), maybe("days", "like mon-fri", "mon-fri")],
        access: Access::Anyone,
        help: "set my working hours and days",
        usage: "hours 09:00-17:30 [mon-fri]",
        parse: super::parse_hours,
    },
    CommandSpec {
        path: &["ooo"],
        options: &[word("range", "from..to (YYYY-MM-DD), or off", "2026-04-01..2026-04-05")],
        access: Access::Anyone,
        help: "out of office",
        usage: "ooo 2026-04-01..2026-04-05` / `ooo off",
        parse: super::parse_ooo,
    },
    CommandSpec {
        path: &["brief"],
        options: &[choice("state", "on or off", &["on", "off"])],
        access: Access::Anyone,
        help: "personal brief",
        usage: "brief on|off",
        parse: |rest| super::on_off("brief", rest).map(Command::Brief),
    },
    CommandSpec {
        path: &["forget-me"],
        options: &[],
        access: Access::Anyone,
        help: "delete my data",
        usage: "forget-me",
        parse: |rest| nothing_after("forget-me", rest).map(|()| Command::ForgetMe),
    },
    CommandSpec {
        path: &["export-me"],
        options: &[],
        access: Access::Anyone,
        help: "everything stored about me, as a JSON file by DM",
        usage: "export-me",
        parse: |rest| nothing_after("export-me", rest).map(|()| Command::ExportMe),
    },
    CommandSpec {
        path: &["decide"],
        options: &[OptionSpec {
            example: "We ship on Tuesdays",
            ..opt("text", OptionKind::Text, true, Style::Rest, "the decision")
        }],
        access: Access::Anyone,
        help: "log a decision",
        usage: "decide <text>",
        parse: super::parse_decide,
    },
    CommandSpec {
        path: &["decisions"],
        options: &[OptionSpec {
            example: "release",
            ..opt("words", OptionKind::Text, false, Style::Rest, "search words")
        }],
        access: Access::Anyone,
        help: "list and search decisions",
        usage: "decisions [words]",
        parse: |rest| Ok(Command::Decisions((!rest.is_empty()).then(|| rest.to_owned()))),
    },
    CommandSpec {
        path: &["stats"],
        options: &[DAYS_BACK],
        access: Access::Anyone,
        help: "participation and pings converted",
        usage: "stats [days]",
        parse: super::parse_stats,
    },
    CommandSpec {
        path: &["standup", "list"],
        options: &[],
        access: Access::Anyone,
        help: "list standups",
        usage: "standup list",
        parse: |rest| nothing_after("standup list", rest).map(|()| Command::Standup(super::StandupCommand::List)),
    },
    CommandSpec {
        path: &["standup", "join"],
        options: &[NAME],
        access: Access::Anyone,
        help: "join a standup",
        usage: "standup join|leave <name>",
        parse: |rest| super::standup::parse_join(rest),
    },
    CommandSpec {
        path: &["standup", "leave"],
        options: &[NAME],
        access: Access::Anyone,
        help: "leave a standup",
        usage: "",
        parse: |rest| super::standup::parse_leave(rest),
    },
    CommandSpec {
        path: &["standup", "skip"],
        options: &[
            maybe("name", "standup name, default all of yours", "daily"),
            maybe("date", "YYYY-MM-DD, default today", "2026-04-01"),
        ],
        access: Access::Anyone,
        help: "skip a day",
        usage: "standup skip [<name>] [2026-04-01]",
        parse: |rest| super::standup::parse_skip(rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "answer"],
        options: &[maybe("name", "standup name", "daily")],
        access: Access::Anyone,
        help: "answer now",
        usage: "standup answer [<name>] [first | second | third]",
        parse: |rest| super::standup::parse_answer(rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "preview"],
        options: &[
            NAME,
            OptionSpec { example: "7", ..opt("days", OptionKind::Integer, false, Style::Positional, "days ahead") },
        ],
        access: Access::Anyone,
        help: "next prompts per member",
        usage: "standup preview <name> [days]",
        parse: |rest| super::standup::parse_preview(rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "history"],
        options: &[
            maybe("name", "standup name, default all of yours", "daily"),
            maybe("member", "one member's answers, as an @mention", "<@U1>"),
            OptionSpec { example: "14", ..opt("days", OptionKind::Integer, false, Style::Positional, "days back") },
        ],
        access: Access::Anyone,
        help: "past answers, newest first (yours and your standups')",
        usage: "standup history [<name>] [@member] [days]",
        parse: |rest| super::standup::parse_history(rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "create"],
        options: MANAGE,
        access: Access::Admin,
        help: "create a standup (admin)",
        usage: "standup create|edit <name> at=09:30 days=mon-fri channel=#team questions=\"Yesterday?|Today?|Blockers?\" blocker=3 digest=17:00 digest_tz=Europe/Berlin reminder=2h members=@ana,@bo holidays=2026-12-24 weekly_summary=\"fri 16:00\" digest_when_empty=skip` (or `cron=\"0 30 9 * * Mon-Fri\"` instead of at/days)",
        parse: |rest| super::standup::parse_manage("create", rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "edit"],
        options: MANAGE,
        access: Access::Admin,
        help: "change a standup (admin)",
        usage: "",
        parse: |rest| super::standup::parse_manage("edit", rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "delete"],
        options: &[
            NAME,
            OptionSpec {
                example: "true",
                ..opt("confirm", OptionKind::Boolean, false, Style::Flag, "really delete it")
            },
        ],
        access: Access::Admin,
        help: "delete a standup (admin); without confirm it says what would be removed",
        usage: "standup delete|pause|resume <name>",
        parse: |rest| super::standup::parse_delete(rest).map(Command::Standup),
    },
    CommandSpec {
        path: &["standup", "pause"],
        options: &[NAME],
        access: Access::Admin,
        help: "pause a standup (admin)",
        usage: "",
        parse: |rest| super::standup::parse_pause(rest),
    },
    CommandSpec {
        path: &["standup", "resume"],
        options: &[NAME],
        access: Access::Admin,
        help: "resume a standup (admin)",
        usage: "",
        parse: |rest| super::standup::parse_resume(rest),
    },
    CommandSpec {
        path: &["digest", "now"],
        options: &[NAME],
        access: Access::Admin,
        help: "post a digest now",
        usage: "digest now|preview <name>",
        parse: |rest| super::parse_digest(super::DigestAction::Now, rest),
    },
    CommandSpec {
        path: &["digest", "preview"],
        options: &[NAME],
        access: Access::Admin,
        help: "preview a digest",
        usage: "",
        parse: |rest| super::parse_digest(super::DigestAction::Preview, rest),
    },
    CommandSpec {
        path: &["nudge", "channel"],
        options: &[choice("mode", "on, off or dry-run", &["on", "off", "dry-run"])],
        access: Access::Admin,
        help: "ping conversion in this channel (admin)",
        usage: "nudge on|off|dry-run",
        parse: super::parse_nudge,
    },
    CommandSpec {
        path: &["nudge", "me"],
        options: &[choice("state", "off: the bot never answers your pings; on: again", &["off", "on"])],
        access: Access::Anyone,
        help: "whether the bot answers your own pings",
        usage: "nudge me off|on",
        parse: |rest| super::on_off("nudge me", rest).map(Command::NudgeMe),
    },
    CommandSpec {
        path: &["holidays", "list"],
        options: &[],
        access: Access::Anyone,
        help: "the workspace's holidays and calendar",
        usage: "holidays list",
        parse: |rest| nothing_after("holidays list", rest).map(|()| Command::Holidays(HolidaysCommand::List)),
    },
    CommandSpec {
        path: &["holidays", "add"],
        options: &[
            DATE,
            OptionSpec {
                example: "Christmas Day",
                ..opt("name", OptionKind::Text, false, Style::Rest, "what the day is")
            },
        ],
        access: Access::Admin,
        help: "add a workspace holiday (admin)",
        usage: "holidays add 2026-12-25 [name]",
        parse: parse_holiday_add,
    },
    CommandSpec {
        path: &["holidays", "remove"],
        options: &[DATE],
        access: Access::Admin,
        help: "remove a workspace holiday (admin)",
        usage: "holidays remove <date>",
        parse: parse_holiday_remove,
    },
    CommandSpec {
        path: &["holidays", "calendar"],
        options: &[word("url", "an https iCalendar URL, or off", "https://example.org/holidays.ics")],
        access: Access::Admin,
        help: "take holidays from an iCalendar feed (admin)",
        usage: "holidays calendar <https URL>|off",
        parse: parse_holiday_calendar,
    },
];

/// The command named by these words, if any.
pub fn find(path: &[&str]) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|spec| spec.path == path)
}

/// The group whose word (or alias) is `word`, already lower-case.
pub(super) fn group(word: &str) -> Option<&'static GroupSpec> {
    GROUPS.iter().find(|g| g.name == word || g.aliases.contains(&word))
}

/// The words a command may start with, for "did you mean" on a typo.
pub(super) fn first_words() -> Vec<&'static str> {
    let mut words: Vec<&str> = COMMANDS.iter().map(|spec| spec.path[0]).collect();
    words.extend(GROUPS.iter().flat_map(|g| g.aliases.iter().copied()));
    words.dedup();
    words
}

/// The subcommand words of a group.
pub(super) fn subcommands(group: &str) -> Vec<&'static str> {
    COMMANDS.iter().filter(|spec| spec.path.len() == 2 && spec.path[0] == group).map(|spec| spec.path[1]).collect()
}

fn unknown_in_group(group: &str, sub: &str) -> CommandError {
    match super::suggest::suggest_word(sub, &subcommands(group)) {
        Some(word) => {
            CommandError::new(format!("I don't know `/async {group} {sub}` — did you mean `/async {group} {word}`?"))
        }
        None => CommandError::new(format!("I don't know `/async {group} {sub}`. Try `/async help`.")),
    }
}

fn parse_holiday_add(rest: &str) -> Result<Command, CommandError> {
    let (day, name) = split_word(rest);
    if day.is_empty() {
        return Err(CommandError::new("Which day? Like `/async holidays add 2026-12-25 Christmas Day`."));
    }
    let name = super::lexer::holiday_name(name)?;
    Ok(Command::Holidays(HolidaysCommand::Add { date: date(day)?, name }))
}

fn parse_holiday_remove(rest: &str) -> Result<Command, CommandError> {
    let (day, more) = split_word(rest);
    if day.is_empty() {
        return Err(CommandError::new("Which day? Like `/async holidays remove 2026-12-25`."));
    }
    nothing_after("holidays remove <date>", more)?;
    Ok(Command::Holidays(HolidaysCommand::Remove(date(day)?)))
}

fn parse_holiday_calendar(rest: &str) -> Result<Command, CommandError> {
    let (url, more) = split_word(rest);
    if url.is_empty() {
        return Err(CommandError::new(
            "Which calendar? Like `/async holidays calendar https://example.org/holidays.ics`, or `calendar off`.",
        ));
    }
    nothing_after("holidays calendar <URL>", more)?;
    if url.eq_ignore_ascii_case("off") {
        return Ok(Command::Holidays(HolidaysCommand::Calendar(None)));
    }
    // Slack wraps links in <…>, optionally with a label after |.
    let url = url.strip_prefix('<').and_then(|u| u.strip_suffix('>')).map_or(url, |u| u.split('|').next().unwrap_or(u));
    Ok(Command::Holidays(HolidaysCommand::Calendar(Some(super::lexer::calendar_url(url)?))))
}

/// The command text for a typed invocation (Discord's options): the path's words, then each
/// given option in the order of its definition, written in its style. `None` when the path is
/// not a command or a value is given for an option it does not have.
pub fn command_text(path: &[&str], given: &[(&str, String)]) -> Option<String> {
    let spec = find(path)?;
    if given.iter().any(|(name, _)| !spec.options.iter().any(|o| o.name == *name)) {
        return None;
    }
    let mut text = path.join(" ");
    for option in spec.options {
        let Some((_, value)) = given.iter().find(|(name, _)| *name == option.name) else { continue };
        let rendered = match option.style {
            Style::Positional => quoted_word(value),
            Style::Rest => value.replace(['\n', '\r'], " ").trim().to_owned(),
            Style::Keyed => format!("{}={}", option.name, quoted_word(value)),
            Style::Flag if value == "true" => option.name.to_owned(),
            Style::Flag => continue,
        };
        text.push(' ');
        text.push_str(&rendered);
    }
    Some(text.trim().to_owned())
}

/// A value as one command word: newlines flattened, quoted when it has spaces (the parser's
/// quotes cannot be escaped, so inner straight quotes become apostrophes).
fn quoted_word(value: &str) -> String {
    let value = value.replace(['\n', '\r'], " ").replace('"', "'");
    let value = value.trim();
    if value.chars().any(char::is_whitespace) { format!("\"{value}\"") } else { value.to_owned() }
}

/// Most characters in one bullet line of `/async help` before the next item starts a new one.
const HELP_LINE: usize = 110;

/// The help text, written from the table: the commands anyone may run, then the admins' ones,
/// as inline code with their few words, short enough for one chat message on either platform.
pub fn usage() -> String {
    let mut text = String::from("unhurried — everything goes through `/async`:");
    for (heading, access) in [("", Access::Anyone), ("Admins:", Access::Admin)] {
        if !heading.is_empty() {
            text.push('\n');
            text.push_str(heading);
        }
        let mut line = String::new();
        for spec in COMMANDS.iter().filter(|spec| spec.access == access && !spec.usage.is_empty()) {
            // A usage with its own words after the code (`… (or `cron=…` instead of at/days)`)
            // closes its code itself.
            let code = if spec.usage.ends_with(')') { format!("`{}", spec.usage) } else { format!("`{}`", spec.usage) };
            let item = format!("{code} {}", short_help(spec));
            let item = item.trim_end();
            if !line.is_empty() && line.chars().count() + item.chars().count() > HELP_LINE {
                text.push_str("\n• ");
                text.push_str(&line);
                line.clear();
            }
            if !line.is_empty() {
                line.push_str(" · ");
            }
            line.push_str(item);
        }
        if !line.is_empty() {
            text.push_str("\n• ");
            text.push_str(&line);
        }
    }
    text
}

/// The help words after a usage in `/async help`: the description without "(admin)", which the
/// heading says; none where the usage covers several commands (`join|leave`) or has its own words.
fn short_help(spec: &CommandSpec) -> String {
    let last = spec.path[spec.path.len() - 1];
    if spec.usage.contains('`') || spec.usage.contains(&format!("{last}|")) {
        return String::new();
    }
    spec.help.replace(" (admin)", "")
}
