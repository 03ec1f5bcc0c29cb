import { EMPTY } from 'rxjs';
import { webSocket } from 'rxpulsar/apps/ws';

const handler = () => EMPTY;

describe('webSocket (route)', () => {
  it('should match its exact path', () => {
    const route = webSocket('/chat', handler);
    expect(route.match('/chat')).toEqual({});
    expect(route.match('/chat/')).toBeUndefined();
    expect(route.match('/chatroom')).toBeUndefined();
  });

  it('should capture :name segments, URL-decoded', () => {
    const route = webSocket('/rooms/:room/users/:user', handler);
    expect(route.match('/rooms/a%20b/users/42')).toEqual({ room: 'a b', user: '42' });
    expect(route.match('/rooms//users/42')).toBeUndefined();
    expect(route.match('/rooms/a/users')).toBeUndefined();
    expect(route.match('/rooms/%E0%A4%A/users/1')).toBeUndefined();
  });

  it('should refuse paths not starting with / and non-function handlers', () => {
    expect(() => webSocket('chat', handler)).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
    expect(() => webSocket('/chat', 42 as never)).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
  });
});
