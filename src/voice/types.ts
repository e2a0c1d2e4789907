import type { Channel, VoiceRef } from "../conversation/types.js";

// Voice in: a channel fetches a voice note's audio (AudioSource); a Transcriber turns it into text the tutor reads
// as if typed. The audio lives in memory only, for the call.

/** A voice note's audio, fetched at once and never stored. */
export interface AudioFile {
  bytes: Uint8Array;
  /** With an extension the speech endpoint recognises the format by (voice.oga, voice.aac…). */
  filename: string;
  mime: string;
}

export interface FetchLimits {
  /** Larger files are refused (VoiceError "too_big") without reading more than this. */
  maxBytes: number;
  signal: AbortSignal;
}

/** How one channel fetches a voice note's audio from its reference (Telegram: getFile then the file; Zalo: the URL). */
export interface AudioSource {
  fetch(ref: string, limits: FetchLimits): Promise<AudioFile>;
}

/** Why a voice note was not understood: the learner is asked kindly to type (or to speak shorter). */
export type VoiceProblem = "too_long" | "too_big" | "empty" | "unavailable";

/** Reasons in /metrics (bdhai_transcription_failures_total). */
export type FailureReason = "too_long" | "too_big" | "empty" | "no_source" | "download" | "stt" | "timeout" | "budget";

export type Transcription = { ok: true; text: string } | { ok: false; reason: FailureReason };

export type TranscribeRequest = {
  channel: Channel;
  /** Words the learner is likely to say (the options on screen, the commands): helps the model spell them. */
  prompt?: string;
} & (
  | { voice: VoiceRef }
  /** Audio the request itself carried (the web page's microphone): nothing to fetch. */
  | { audio: AudioFile }
);

export interface Transcriber {
  /** Never throws: a failure or a timeout comes back as a reason. */
  transcribe(req: TranscribeRequest): Promise<Transcription>;
}

/** What the learner is told for each failure. */
export function problemOf(reason: FailureReason): VoiceProblem {
  return reason === "too_long" || reason === "too_big" || reason === "empty" ? reason : "unavailable";
}

/** Thrown by sources and the download helper; the transcriber turns it into a failure reason. */
export class VoiceError extends Error {
  override name = "VoiceError";
  constructor(readonly reason: FailureReason) {
    super(reason);
  }
}
