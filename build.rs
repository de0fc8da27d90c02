// sqlx::migrate! embeds migrations at compile time; without this, a new migration file would not
// trigger a rebuild on stable Rust.
//
// The commit `--version` and `unhurried_build_info` show: UNHURRIED_COMMIT when set (a Docker
// build has no .git), else `git rev-parse`, else "unknown".
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=migrations/sqlite");
    println!("cargo:rerun-if-changed=migrations/postgres");
    println!("cargo:rerun-if-env-changed=UNHURRIED_COMMIT");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    // Rebuilt when HEAD moves (a commit, a checkout), so the commit shown is never stale.
    let branch = git(&["rev-parse", "--symbolic-full-name", "HEAD"]).filter(|name| name.starts_with("refs/"));
    for path in std::iter::once("HEAD".to_owned()).chain(branch) {
        if let Some(file) = git(&["rev-parse", "--git-path", &path]).filter(|f| std::path::Path::new(f).exists()) {
            println!("cargo:rerun-if-changed={file}");
        }
    }
    let commit = std::env::var("UNHURRIED_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    // Named apart from the UNHURRIED_ settings prefix: cargo also sets it when it runs the binary.
    println!("cargo:rustc-env=BUILD_GIT_COMMIT={commit}");
}
