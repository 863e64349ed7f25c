import { NextRequest, NextResponse } from "next/server";
import escapeHtml from "escape-html";

// Next.js route handlers: a search parameter in an HTML response.
export async function GET(request: NextRequest): Promise<Response> {
  const name = request.nextUrl.searchParams.get("name");
  return new Response(`<p>Hello ${name}</p>`, { headers: { "Content-Type": "text/html" } }); // expect: js.xss
}

export async function HEAD(request: NextRequest): Promise<Response> {
  const name = request.nextUrl.searchParams.get("name") ?? "";
  return new Response(`<p>Hello ${escapeHtml(name)}</p>`, { headers: { "Content-Type": "text/html" } }); // ok: js.xss
}

// The JSON body of a POST.
export async function POST(request: NextRequest): Promise<Response> {
  const body: { comment: string } = await request.json();
  return new Response("<li>" + body.comment + "</li>", { headers: { "Content-Type": "text/html" } }); // expect: js.xss
}

export async function PUT(request: NextRequest): Promise<Response> {
  let body: { comment: string } = await request.json();
  body = { comment: "thanks" };
  return new Response("<li>" + body.comment + "</li>", { headers: { "Content-Type": "text/html" } }); // ok: js.xss
}

// A typed view model class.
class Banner {
  private text: string;
  private title: string;

  constructor(request: NextRequest) {
    this.text = request.nextUrl.searchParams.get("banner") ?? "";
    this.title = "News";
  }

  render(): Response {
    return new Response(`<div>${this.text}</div>`, { headers: { "Content-Type": "text/html" } }); // expect: js.xss
  }

  heading(): Response {
    return new Response(`<h1>${this.title}</h1>`, { headers: { "Content-Type": "text/html" } }); // ok: js.xss
  }
}

export { Banner, NextResponse };
