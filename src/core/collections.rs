//! Two small collections on top of `Vec`, for the few entries a session holds (commands waiting
//! or in flight, events waiting for the parent's origin).
//!
//! alloc's `BTreeMap` and `VecDeque` in their places cost node-balancing and ring-buffer code
//! for a handful of entries, more than the budgets leave room for: `BTreeMap` for the host's two
//! maps costs the host page 6.8 KB gzipped (47,578 B of wasm and glue against 40,780 B on
//! 2026-12-02; the page has 3.4 KB left of its 45 KB), `VecDeque` for the queues costs the everything build
//! 1.5 KB (100,357 B of wasm and glue against 98,898 B on 2026-12-02; it has 1.0 KB left of its
//! 100 KB). These are the subsets of their APIs the sessions use, with the same iteration order.

use core::ops::RangeFull;

/// A map kept sorted by key, like `BTreeMap` (linear search; meant for a few dozen entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Insert or replace; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(core::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Remove `key`; returns its value if it was there.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.0.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(self.0.remove(i).1)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The keys in order, consuming the map.
    pub fn into_keys(self) -> impl Iterator<Item = K> {
        self.0.into_iter().map(|(k, _)| k)
    }
}

/// A first-in first-out queue, like `VecDeque` (`pop_front` moves the rest: meant for short
/// queues).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue<T>(Vec<T>);

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue(Vec::new())
    }
}

impl<T> Queue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add at the back.
    pub fn push_back(&mut self, item: T) {
        self.0.push(item);
    }

    /// Take from the front.
    pub fn pop_front(&mut self) -> Option<T> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }

    /// Remove the item at `index` from the front, if there is one.
    pub fn remove(&mut self, index: usize) -> Option<T> {
        (index < self.0.len()).then(|| self.0.remove(index))
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The items, front first.
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// Take every item, front first.
    pub fn drain(&mut self, _all: RangeFull) -> std::vec::Drain<'_, T> {
        self.0.drain(..)
    }

    /// Remove every item.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<T> IntoIterator for Queue<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T> Extend<T> for Queue<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        self.0.extend(items);
    }
}
