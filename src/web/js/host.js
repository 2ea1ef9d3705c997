// DOM work of DeskHost.create (src/web/host.rs), done here in one call.
const size = (v, d) => typeof v === 'number' ? v + 'px' : typeof v === 'string' ? v : d;
export function iframe(container, o) {
  const doc = container && container.ownerDocument;
  if (!doc) return undefined;
  const f = doc.createElement('iframe');
  f.style.width = size(o.width, '100%');
  f.style.height = size(o.height, '600px');
  f.style.border = '0';
  f.title = typeof o.title === 'string' ? o.title : 'Agent workstation';
  return f;
}
