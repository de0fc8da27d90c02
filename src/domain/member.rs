//! Purpose: a member with the workspace defaults applied — the form every feature reasons about.

use chrono::NaiveDate;

use crate::domain::availability::{Availability, OooRange};
use crate::domain::calendar::{Timezone, Weekdays, WorkingHours};

/// Defaults for members who have not set their own.
#[derive(Debug, Clone)]
pub struct WorkspaceDefaults {
    /// Zone.
    pub tz: Timezone,
    /// Working hours.
    pub hours: WorkingHours,
    /// Working days.
    pub days: Weekdays,
    /// Platform user ids that are admins by configuration.
    pub admins: Vec<String>,
}

/// A member as features see them.
#[derive(Debug, Clone)]
pub struct Member {
    /// Store id.
    pub id: i64,
    /// Platform user id.
    pub user: String,
    /// Display name (may be empty).
    pub name: String,
    /// Whether the zone is the workspace default because the member never set one.
    pub tz_is_default: bool,
    /// Zone, hours, days and out-of-office.
    pub availability: Availability,
    /// Whether the personal brief is on.
    pub brief_on: bool,
    /// Whether they opted out of nudges.
    pub nudge_opt_out: bool,
    /// Admin by platform or configuration.
    pub is_admin: bool,
    /// Whether DMs to them fail permanently.
    pub unreachable: bool,
}

impl Member {
    /// Applies `defaults` to what the store keeps (`None` = default). Stored values that no longer
    /// parse fall back to the default rather than stopping the bot.
    pub fn resolve(record: &crate::ports::MemberRecord, defaults: &WorkspaceDefaults) -> Self {
        let tz = record.tz.as_deref().and_then(|tz| tz.parse::<Timezone>().ok());
        let hours = record.hours.as_deref().and_then(|h| h.parse::<WorkingHours>().ok()).unwrap_or(defaults.hours);
        let days = record.days.and_then(Weekdays::from_bits).unwrap_or(defaults.days);
        let out_of_office = record.out_of_office.iter().map(|&(from, to)| OooRange { from, to }).collect();
        Member {
            id: record.id,
            user: record.user.clone(),
            name: record.name.clone(),
            tz_is_default: tz.is_none(),
            availability: Availability { tz: tz.unwrap_or(defaults.tz).0, hours, days, out_of_office },
            brief_on: record.brief_on,
            nudge_opt_out: record.nudge_opt_out,
            is_admin: record.is_admin || defaults.admins.iter().any(|a| a == &record.user),
            unreachable: record.unreachable_since.is_some(),
        }
    }

    /// The member's zone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.availability.tz
    }

    /// Whether `date` (member-local) is out of office.
    pub fn is_away_on(&self, date: NaiveDate) -> bool {
        self.availability.is_out_of_office(date)
    }
}
