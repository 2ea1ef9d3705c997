// The workstation side, checked against the generated declarations.
import { DeskFrame } from 'deskbridge';
import type { AgentStatus, DeskCommandMessage, DeskError } from 'deskbridge';
import { same } from './expect';

const frame = DeskFrame.connect({ allowedOrigins: ['https://crm.example.com', 'https://*.example.org'] });
// @ts-expect-error: connect is undefined outside a frame; check before use
frame.emitUnreadCount(1);

if (frame) {
  frame.emitUnreadCount(2, [{ uid: 'th-1', type: 'WORKGROUP' }]);
  frame.emitUnreadCount(0);
  frame.emitNewVisitor({ uid: 'th-2', user: { nickname: 'Ann' }, custom: true });
  frame.emitAgentStatus('BUSY');
  frame.emitAgentStatus('AWAY', { nickname: 'Agent 7' });
  frame.emitThreadStatus({ uid: 'th-2' }, 'closed');
  // @ts-expect-error: a thread needs a uid
  frame.emitNewVisitor({ topic: 'org/1' });
  // @ts-expect-error: the total is a number
  frame.emitUnreadCount('3');

  frame.on('update_agent_status', ({ status }, message) => {
    same<AgentStatus, typeof status>(true);
    same<DeskCommandMessage, typeof message>(true);
  });
  frame.on('refresh_threads', async () => {});
  frame.on('clear_unread_count', ({ threadUid }) => same<string, typeof threadUid>(true));
  frame.on('error', (e) => same<DeskError, typeof e>(true));
  // @ts-expect-error: the three shorthand commands arrive as update_agent_status
  frame.on('update_agent_status_busy', () => {});
  same<string | undefined, typeof frame.parentOrigin>(true);
  same<'window' | 'port', typeof frame.transport>(true);
  DeskFrame.connect({ allowedOrigins: 'https://crm.example.com', messageChannel: false });
  frame.destroy();
}
