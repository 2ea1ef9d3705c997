// The slim builds: each declares its own side and the shared types, with nothing from the other
// side or the token functions.
import { DeskHost } from 'deskbridge/host';
import type { TokenExpiring, Thread } from 'deskbridge/host';
import { DeskFrame } from 'deskbridge/frame';
import initHost, { DeskHost as WebHost } from 'deskbridge/web/host';
import initFrame, { DeskFrame as WebFrame } from 'deskbridge/web/frame';
import { same } from './expect';

declare const iframe: HTMLIFrameElement;

const host = DeskHost.attach(iframe);
host.on('token_expiring', (data: TokenExpiring) => same<number, typeof data.msLeft>(true));
host.on('unread_message_count', ({ unreadThreads }) => same<Thread[], typeof unreadThreads>(true));
void host.setBusy();

const frame = DeskFrame.connect({ allowedOrigins: ['https://crm.example.com'] });
frame?.on('clear_unread_count', ({ threadUid }) => same<string, typeof threadUid>(true));

await initHost();
await initFrame();
WebHost.attach(iframe).destroy();
WebFrame.connect({ allowedOrigins: ['https://crm.example.com'] })?.emitUnreadCount(1);

// @ts-expect-error: the host build has no DeskFrame
import type { DeskFrame as NoFrame } from 'deskbridge/host';
// @ts-expect-error: nor the token functions
import type { agentLoginUrl } from 'deskbridge/host';
// @ts-expect-error: the frame build has no DeskHost
import type { DeskHost as NoHost } from 'deskbridge/web/frame';
