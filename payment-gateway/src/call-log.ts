/** One API call that used a payment method, for GET /_test/payment_methods/:id/calls. */
export interface MethodCall {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The status answered; null while it runs, and for good when the client gave up first (hang). */
  status: number | null;
  /** True when the answer was an idempotent replay (nothing happened again). */
  replayed: boolean;
  /** When the call arrived. */
  at: string;
}

/** Every call per payment method id, oldest first. */
export class CallLog {
  private readonly calls = new Map<string, MethodCall[]>();

  /** Records a call as it arrives; the caller fills in `status` once it answers. */
  record(paymentMethod: string, call: Omit<MethodCall, 'status' | 'at'>, at: Date): MethodCall {
    const entry: MethodCall = { ...call, status: null, at: at.toISOString() };
    const list = this.calls.get(paymentMethod) ?? [];
    list.push(entry);
    this.calls.set(paymentMethod, list);
    return entry;
  }

  of(paymentMethod: string): MethodCall[] {
    return this.calls.get(paymentMethod) ?? [];
  }
}
