/** The task queue application with process workers: kill -9, hangs, busy loops. */
import { describeCrashSafety } from './crash-safety';

describeCrashSafety('process');
