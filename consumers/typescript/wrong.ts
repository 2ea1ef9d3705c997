// Misuse the compiler must refuse: each line below is one error (the consumer test checks that
// tsc reports exactly these lines, and nothing about the package's own declarations).
import { DeskHost } from 'deskbridge/host';

declare const iframe: HTMLIFrameElement;
const host = DeskHost.attach(iframe);
host.on('unread_count', () => {});
host.setAgentStatus('SLEEPING');
host.clearUnreadCount(42);
