// protojson prints a `float` field with the fewest digits that read back as the same float32, so
// a rollout stored as float32 33.33 prints as 33.33, not as its double expansion 33.33000183105469.

export function float32Json(value: number): number {
  const target = Math.fround(value);
  if (!Number.isFinite(target)) return target;
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return target;
}
