/** Hints shown to the customer while the camera looks for a usable face (see capture.ts). */
export type FaceHint = "look" | "closer" | "one-person" | "hold-still";
