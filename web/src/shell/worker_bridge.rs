//! A page's bridge to its worker, started from a script file rather than a `blob:` URL.
//!
//! yew-agent's own `ReactorProvider` starts a worker from a `blob:` URL holding a
//! two-line shim (`importScripts(…); wasm_bindgen(…)`). A strict Content-Security-Policy
//! (`script-src 'self'`, which `worker-src` falls back to) refuses `blob:` workers, so
//! the page would stop at its first frame. Here the shim is a file of the app itself,
//! `static/worker.js`, given the page's worker script in its query
//! (`worker.js?rules-worker.js`), which `'self'` allows (README, "Offline, sub-folders
//! and a strict CSP").
//!
//! ```text
//! ReactorProvider<R> path="X-worker.js" ─▶ context: the script
//! use_reactor_bridge::<R, _>(on_output) ─▶ new Worker("worker.js?X-worker.js")
//!        ─▶ importScripts("X-worker.js"); wasm_bindgen("X-worker_bg.wasm")
//! ```
//!
//! The names and the handle's `send` match yew-agent's, so a page reads the same either
//! way. Each bridge has a worker of its own; dropping it (the page unmounting) ends the
//! worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::sink::SinkExt;
use futures::stream::{SplitSink, StreamExt};
use serde::{Deserialize, Serialize};
use yew::platform::pinned::RwLock;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_agent::reactor::{Reactor, ReactorBridge, ReactorScoped, ReactorSpawner};

pub use yew_agent::reactor::ReactorEvent;

/// The script that starts every worker (`static/worker.js`), relative to the page.
pub const WORKER_LOADER: &str = "worker.js";

/// The loader's address for the worker script `script` (`worker.js?rules-worker.js`).
pub fn loader_url(script: &str) -> String {
    format!("{WORKER_LOADER}?{script}")
}

/// How the page's bridges start its worker: [`ReactorProvider`]'s script, with the
/// message encoding's bounds settled there (as in yew-agent), so the hook needs none.
struct Spawn<R: Reactor + 'static> {
    script: AttrValue,
    spawn: Rc<dyn Fn() -> ReactorBridge<R>>,
}

impl<R: Reactor + 'static> Clone for Spawn<R> {
    fn clone(&self) -> Self {
        Self {
            script: self.script.clone(),
            spawn: self.spawn.clone(),
        }
    }
}

impl<R: Reactor + 'static> PartialEq for Spawn<R> {
    fn eq(&self, other: &Self) -> bool {
        self.script == other.script
    }
}

/// [`ReactorProvider`]'s properties: the page's worker script (`rules-worker.js`).
#[derive(Properties, PartialEq)]
pub struct ReactorProviderProps {
    pub path: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

/// Gives the page's [`use_reactor_bridge`] its worker `R` and script.
#[component]
pub fn ReactorProvider<R>(props: &ReactorProviderProps) -> Html
where
    R: Reactor + 'static,
    <R::Scope as ReactorScoped>::Input: Serialize + for<'de> Deserialize<'de>,
    <R::Scope as ReactorScoped>::Output: Serialize + for<'de> Deserialize<'de>,
{
    let context = use_memo(props.path.clone(), |script| {
        let url = loader_url(script);
        Spawn::<R> {
            script: script.clone(),
            spawn: Rc::new(move || {
                ReactorSpawner::<R>::new()
                    .with_loader(true)
                    .as_module(false)
                    .spawn(&url)
            }),
        }
    });
    html! {
        <ContextProvider<Spawn<R>> context={(*context).clone()}>
            { props.children.clone() }
        </ContextProvider<Spawn<R>>>
    }
}

type Sink<R> = SplitSink<ReactorBridge<R>, <<R as Reactor>::Scope as ReactorScoped>::Input>;

/// The page's callback of the latest render.
type OnOutput<R> = Rc<dyn Fn(ReactorEvent<R>)>;

/// The handle [`use_reactor_bridge`] returns: sends the page's commands to its worker,
/// and can replace that worker with a new one ([`UseReactorBridgeHandle::reset`]).
pub struct UseReactorBridgeHandle<R: Reactor + 'static> {
    inner: Rc<Inner<R>>,
}

struct Inner<R: Reactor + 'static> {
    spawn: Rc<dyn Fn() -> ReactorBridge<R>>,
    on_output: Rc<RefCell<OnOutput<R>>>,
    /// The current worker's sink, and which bridge it is (outputs of an older one are
    /// dropped, its ending included).
    sender: RefCell<Option<Rc<RwLock<Sink<R>>>>>,
    bridge: Cell<u32>,
}

impl<R: Reactor + 'static> Inner<R> {
    /// Starts a worker and listens to it as bridge number `bridge`.
    fn open(self: &Rc<Self>, bridge: u32) -> Rc<RwLock<Sink<R>>> {
        let (sender, mut outputs) = (self.spawn)().split();
        let inner = Rc::downgrade(self);
        spawn_local(async move {
            let current = |inner: &std::rc::Weak<Inner<R>>| {
                inner
                    .upgrade()
                    .filter(|inner| inner.bridge.get() == bridge)
                    .map(|inner| inner.on_output.borrow().clone())
            };
            while let Some(output) = outputs.next().await {
                match current(&inner) {
                    Some(on_output) => on_output(ReactorEvent::Output(output)),
                    None => return,
                }
            }
            if let Some(on_output) = current(&inner) {
                on_output(ReactorEvent::Finished);
            }
        });
        Rc::new(RwLock::new(sender))
    }
}

impl<R: Reactor + 'static> Clone for UseReactorBridgeHandle<R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<R: Reactor + 'static> PartialEq for UseReactorBridgeHandle<R> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<R: Reactor + 'static> UseReactorBridgeHandle<R> {
    /// Sends `message` to the worker (queued until it has loaded).
    pub fn send(&self, message: <R::Scope as ReactorScoped>::Input) {
        let Some(sender) = self.inner.sender.borrow().clone() else {
            return;
        };
        spawn_local(async move {
            let _ = sender.write().await.send(message).await;
        });
    }

    /// Starts a new worker in place of the current one, which is dropped (the caller
    /// ends it first if it is stuck); from now on only the new one is heard.
    pub fn reset(&self) {
        let bridge = self.inner.bridge.get() + 1;
        self.inner.bridge.set(bridge);
        let sender = self.inner.open(bridge);
        *self.inner.sender.borrow_mut() = Some(sender);
    }
}

/// Starts the page's worker once, through [`WORKER_LOADER`], and calls `on_output` (the
/// one of the latest render) with each of its outputs, then with
/// [`ReactorEvent::Finished`] when it ends.
#[hook]
pub fn use_reactor_bridge<R, F>(on_output: F) -> UseReactorBridgeHandle<R>
where
    R: Reactor + 'static,
    F: Fn(ReactorEvent<R>) + 'static,
{
    let context = use_context::<Spawn<R>>().expect("use_reactor_bridge inside a ReactorProvider");
    let on_output: OnOutput<R> = Rc::new(on_output);
    let latest = use_mut_ref(|| on_output.clone());
    *latest.borrow_mut() = on_output;
    let inner = use_memo(context, move |context| {
        let inner = Rc::new(Inner {
            spawn: context.spawn.clone(),
            on_output: latest,
            sender: RefCell::new(None),
            bridge: Cell::new(0),
        });
        *inner.sender.borrow_mut() = Some(inner.open(0));
        inner
    });
    UseReactorBridgeHandle {
        inner: (*inner).clone(),
    }
}
