//! `accord demo`: the README's first command.

use clap::Args;
use miette::Result;

#[derive(Args)]
pub struct DemoArgs {}

pub fn run(_a: DemoArgs) -> Result<()> {
    Ok(())
}
