// Small helpers the Blazor components call through JS interop.
window.talkntalk = {
    submitForm: (id) => document.getElementById(id)?.requestSubmit(),

    // The theme a person chose, for the server's first render of every later page.
    rememberTheme: (name, value) => {
        document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
        document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", value);
    },

    // Starts a file download the browser streams to disk itself (no blob in page memory).
    download: (url) => {
        const link = document.createElement("a");
        link.href = url;
        link.download = "";
        document.body.appendChild(link);
        link.click();
        link.remove();
    },
};
