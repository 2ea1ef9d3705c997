// A host page and a workstation as a TypeScript user writes them (strict, lib ES2022 + DOM,
// skipLibCheck false): all of this compiles, and each line marked @ts-expect-error is refused.
import { DeskHost, type AgentStatus, type DeskError } from 'deskbridge/host';
import { DeskFrame } from 'deskbridge/frame';
import { agentLoginUrl, decodeAccessToken } from 'deskbridge';

export async function hostPage(iframe: HTMLIFrameElement): Promise<number> {
  const host = DeskHost.attach(iframe);
  let unread = 0;
  const sub = host.on('unread_message_count', ({ totalUnreadCount, unreadThreads }) => {
    unread = totalUnreadCount + unreadThreads.length;
  });
  host.on('ready', ({ protocol }) => console.log(protocol));
  const status: AgentStatus = 'BUSY';
  try {
    await host.setAgentStatus(status, { timeout: 5000 });
  } catch (e) {
    console.warn((e as DeskError).code);
  }
  // @ts-expect-error not an event deskbridge has
  host.on('unread_count', () => {});
  // @ts-expect-error not an agent status
  await host.setAgentStatus('SLEEPING');
  sub.off();
  host.destroy();
  return unread;
}

export function workstation(): void {
  const frame = DeskFrame.connect({ allowedOrigins: ['https://crm.example.com'] });
  frame?.emitUnreadCount(2, []);
  frame?.on('update_agent_status', ({ status }) => frame.emitAgentStatus(status));
  // @ts-expect-error the count is a number
  frame?.emitUnreadCount('2');
}

export function login(token: string): string {
  const { username } = decodeAccessToken(token);
  return `${username}: ${agentLoginUrl('https://desk.example.com', token)}`;
}
