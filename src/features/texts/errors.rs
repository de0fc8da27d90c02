//! Words for when the bot itself failed.

/// The answer to a command or a submission whose handling failed on our side; `reference` is
/// logged with the error, so an admin can find it.
pub fn internal_error(reference: &str) -> String {
    format!(
        "Something went wrong on our side (ref {reference}). Nothing was changed; please try again, and if it \
         keeps happening, give your admin this ref."
    )
}
