/** The task queue application with thread workers: terminated mid-task, hangs, busy loops. */
import { describeCrashSafety } from './crash-safety';

describeCrashSafety('thread');
