//! Purpose: the `/async` application command — registered from the engine's command table
//! (`domain::command::COMMANDS`: subcommand groups and typed options, SPEC §7), and the
//! translation of a typed invocation back into the command text the engine's parser reads, so
//! both platforms share one grammar.

use serenity::all::{CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption};

use crate::domain::command::{self, COMMANDS, CommandSpec, GROUPS, OptionKind, OptionSpec};

/// The command's name.
pub const COMMAND_NAME: &str = "async";
/// Most autocomplete suggestions Discord shows.
const MAX_SUGGESTIONS: usize = 25;

fn option_type(kind: OptionKind) -> CommandOptionType {
    match kind {
        OptionKind::Text => CommandOptionType::String,
        OptionKind::Integer => CommandOptionType::Integer,
        OptionKind::Boolean => CommandOptionType::Boolean,
        OptionKind::Channel => CommandOptionType::Channel,
    }
}

fn build_option(o: &OptionSpec) -> CreateCommandOption {
    let mut option = CreateCommandOption::new(option_type(o.kind), o.name, o.help).required(o.required);
    for choice in o.choices {
        option = option.add_string_choice(*choice, *choice);
    }
    if o.autocomplete {
        option = option.set_autocomplete(true);
    }
    option
}

fn build_sub(spec: &CommandSpec) -> CreateCommandOption {
    let name = spec.path[spec.path.len() - 1];
    spec.options.iter().fold(CreateCommandOption::new(CommandOptionType::SubCommand, name, spec.help), |sub, o| {
        sub.add_sub_option(build_option(o))
    })
}

/// The `/async` command as registered with Discord, written from the engine's command table:
/// a subcommand per one-word command, a subcommand group per group.
pub fn definition() -> CreateCommand {
    let mut command = CreateCommand::new(COMMAND_NAME).description("make this team's chat asynchronous");
    for spec in COMMANDS.iter().filter(|spec| spec.path.len() == 1) {
        command = command.add_option(build_sub(spec));
    }
    for group in GROUPS {
        let subs = COMMANDS.iter().filter(|spec| spec.path.len() == 2 && spec.path[0] == group.name);
        let group = subs
            .fold(CreateCommandOption::new(CommandOptionType::SubCommandGroup, group.name, group.help), |g, s| {
                g.add_sub_option(build_sub(s))
            });
        command = command.add_option(group);
    }
    command
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
    let given = level.iter().map(|o| Some((o.name.as_str(), value_text(&o.value)?))).collect::<Option<Vec<_>>>()?;
    command::command_text(&path, &given)
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
