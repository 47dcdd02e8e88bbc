/**
 * Phone videos, cleaned by remuxing with ffmpeg (Debian's package, started as a child process):
 * the picture and sound are copied bit for bit, and everything else is left behind — QuickTime
 * keys and user data (GPS, phone make and model, author, comments), chapters, data and subtitle
 * tracks (drones and dash cameras keep their GPS track there), cover pictures, the creation times
 * in the movie, track and media headers (written as 0), the handler names (written as ffmpeg's
 * neutral defaults), and the SEI messages inside the video stream, where encoders write their
 * name and settings. Without ffmpeg, video is refused: it is never stored as recorded.
 *
 * ffmpeg only ever reads one file in a private directory (no shell, no network or other
 * protocols, the MP4 demuxer forced, so a file cannot make it open another), has a time limit,
 * and its output is size-checked.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CleanedBytes } from './cleaned.ts';

const VIDEO_MESSAGES = {
  noTool: '本站暂不接收视频（服务器未安装视频处理程序，无法去除视频里的拍摄地点和手机信息）。请改传照片，或在内容里说明视频所拍的情况',
  unreadable: '视频无法读取或已损坏，请用手机相册“导出/存储为”MP4 后再上传，或改传照片',
  tooLarge: '视频处理后过大，请剪短后再上传',
} as const;

const TIME_LIMIT_MS = 60_000;
const PROBE_OUTPUT_LIMIT = 1024 * 1024;

/** SEI NAL unit types, removed from the stream: prefix and suffix SEI for HEVC, SEI for H.264. */
const SEI_FILTERS: Record<string, string> = {
  h264: 'filter_units=remove_types=6',
  hevc: 'filter_units=remove_types=39|40',
};

class ToolMissing extends Error {}

function runTool(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: TIME_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: PROBE_OUTPUT_LIMIT, windowsHide: true }, (error, stdout) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new ToolMissing(command));
      else if (error) reject(error);
      else resolve(stdout);
    });
  });
}

/** Only local files, and the input read as MP4/QuickTime whatever it contains. */
const SAFE_INPUT = ['-protocol_whitelist', 'file', '-f', 'mov'];

/** The first video stream's codec, or undefined when the file holds no (decodable) video. */
async function videoCodec(file: string): Promise<string | undefined> {
  const json = await runTool('ffprobe', ['-v', 'error', ...SAFE_INPUT, '-select_streams', 'V:0', '-show_entries', 'stream=codec_name', '-of', 'json', file]);
  const streams = (JSON.parse(json) as { streams?: Array<{ codec_name?: string }> }).streams ?? [];
  return streams[0]?.codec_name;
}

export async function remuxVideo(input: Uint8Array, maxBytes: number): Promise<CleanedBytes> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ydt-video-')); // mode 0700: only this user
  try {
    const source = path.join(dir, 'in.mp4');
    const target = path.join(dir, 'out.mp4');
    await writeFile(source, input, { mode: 0o600, flag: 'wx' });
    const codec = await videoCodec(source);
    if (!codec) return { ok: false, message: VIDEO_MESSAGES.unreadable };
    const sei = SEI_FILTERS[codec];
    // prettier-ignore
    await runTool('ffmpeg', [
      '-nostdin', '-hide_banner', '-v', 'error', ...SAFE_INPUT, '-i', source,
      // One picture (not a cover image) and at most one sound track; nothing else is copied.
      '-map', '0:V:0', '-map', '0:a:0?', '-c', 'copy', ...(sei ? ['-bsf:v', sei] : []),
      '-map_metadata', '-1', '-map_chapters', '-1', '-dn', '-sn',
      // No writer name or version, no clock time in the headers.
      '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
      '-movflags', '+faststart', '-f', 'mp4', target,
    ]);
    if ((await stat(target)).size > maxBytes) return { ok: false, message: VIDEO_MESSAGES.tooLarge };
    return { ok: true, bytes: new Uint8Array(await readFile(target)) };
  } catch (error) {
    if (error instanceof ToolMissing) return { ok: false, message: VIDEO_MESSAGES.noTool };
    return { ok: false, message: VIDEO_MESSAGES.unreadable };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
