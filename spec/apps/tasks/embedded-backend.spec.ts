import { firstValueFrom } from 'rxjs';
import { EmbeddedTaskBackend } from 'rxpulsar/apps/tasks';
import { backendContract, request, T0 } from './backend-contract';

backendContract('embedded', async () => {
  const clock = { now: T0 };
  const backend = new EmbeddedTaskBackend({ clock: () => clock.now });
  return {
    backend,
    clock,
    async expectDropped(id, ttl) {
      const ended = (await firstValueFrom(backend.get(id)))?.time_ended as number;
      clock.now = ended + ttl - 1;
      expect(await firstValueFrom(backend.get(id))).not.toBeNull();
      clock.now = ended + ttl;
      expect(await firstValueFrom(backend.get(id))).toBeNull();
    },
    cleanup: () => backend.close(),
  };
});

describe('EmbeddedTaskBackend', () => {
  it('should forget finished records after result_ttl on maintain, and fail calls once closed', async () => {
    const clock = { now: T0 };
    const backend = new EmbeddedTaskBackend({ clock: () => clock.now });
    await firstValueFrom(backend.enqueue([request('a', { run: { result_ttl: 100 } })], { high_water_mark: 0 }));
    await firstValueFrom(backend.claim({ worker: 'w', max: 1, lease: 1000, queues: ['default'] }));
    await firstValueFrom(backend.report({ worker: 'w', lease: 1000, updates: [{ type: 'success', id: 'a', attempt: 1, result: 1 }] }));
    expect(backend.size).toBe(1);
    clock.now = T0 + 100;
    await firstValueFrom(backend.maintain());
    expect(backend.size).toBe(0);
    await backend.close();
    await backend.close();
    await expect(firstValueFrom(backend.get('a'))).rejects.toMatchObject({ code: 'RXP_ERR_TASK_BACKEND' });
  });
});
