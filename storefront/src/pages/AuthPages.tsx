// Sign in and register: one form each, labelled fields, errors announced.
import { useMutation } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { useAccount } from "../auth/account";
import { SignInDocument, SignUpDocument } from "../gql/graphql";

function useAfterSignIn() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useAccount();
  const next = params.get("next")?.startsWith("/") ? params.get("next")! : "/";
  return { next, done: async (payload: Parameters<typeof signedIn>[0]) => {
    await signedIn(payload);
    navigate(next);
  } };
}

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { next, done } = useAfterSignIn();
  const [login, { loading, error }] = useMutation(SignInDocument);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login({ variables: { email, password } }).then((r) => r.data && done(r.data.login), () => undefined);
  };
  return (
    <form className="account" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <label>Email<input type="email" autoComplete="email" required value={email}
                         onChange={(e) => setEmail(e.target.value)} /></label>
      <label>Password<input type="password" autoComplete="current-password" required
                            value={password} onChange={(e) => setPassword(e.target.value)} /></label>
      {error && <p role="alert" className="error">{error.message}</p>}
      <button type="submit" disabled={loading}>Sign in</button>
      <p>New here? <Link to={`/register?next=${encodeURIComponent(next)}`}>Register</Link></p>
    </form>
  );
}

export function RegisterPage() {
  const [input, setInput] = useState({ fullName: "", email: "", password: "" });
  const { done } = useAfterSignIn();
  const [register, { loading, error }] = useMutation(SignUpDocument);
  const field = (name: keyof typeof input) => ({
    value: input[name], onChange: (e: { target: { value: string } }) => setInput({ ...input, [name]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register({ variables: { input } }).then((r) => r.data && done(r.data.register), () => undefined);
  };
  return (
    <form className="account" onSubmit={submit} aria-labelledby="register-title">
      <h1 id="register-title">Register</h1>
      <label>Full name<input autoComplete="name" required {...field("fullName")} /></label>
      <label>Email<input type="email" autoComplete="email" required {...field("email")} /></label>
      <label>Password (8 or more characters, letters and digits)<input type="password" autoComplete="new-password"
                                                   required minLength={8} {...field("password")} /></label>
      {error && <p role="alert" className="error">{error.message}</p>}
      <button type="submit" disabled={loading}>Create account</button>
    </form>
  );
}
