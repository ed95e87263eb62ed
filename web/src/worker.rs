//! The training worker. Training runs here, off the page's thread, and the
//! worker streams small snapshots back so the page keeps animating.

use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use yew_agent::prelude::*;

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Answered with [`Update::Ready`]; the page uses it to know the worker runs.
    Hello,
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Update {
    Ready,
}

#[reactor]
pub async fn Trainer(mut scope: ReactorScope<Command, Update>) {
    while let Some(command) = scope.next().await {
        match command {
            Command::Hello => {
                if scope.send(Update::Ready).await.is_err() {
                    break;
                }
            }
        }
    }
}
